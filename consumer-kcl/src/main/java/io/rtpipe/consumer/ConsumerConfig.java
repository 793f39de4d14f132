package io.rtpipe.consumer;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.contract.ConsumerSettings;
import io.rtpipe.contract.Durations;
import io.rtpipe.contract.Setting;
import io.rtpipe.core.engine.EngineConfig;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Everything a {@link KclConsumer} needs besides AWS access. Immutable; build with {@link #builder(String, String, String)}.
 *
 * <p>Defaults (production-minded; tests shorten the intervals), each that is a setting of {@code rtpipe consume}
 * parsed from its declaration in {@link ConsumerSettings} (flag, variable and default declared once; see
 * {@link #fromSettings}):
 * <ul>
 *   <li>initial position {@code TRIM_HORIZON}: a new application reads the stream's whole retention</li>
 *   <li>retrieval {@link Retrieval#POLLING}; {@link Retrieval#FAN_OUT} registers an enhanced fan-out consumer named
 *       after the application</li>
 *   <li>checkpoint interval 10 s: how often a shard plans a checkpoint (writes its interval objects and progress)</li>
 *   <li>failover time 10 s (KCL's default): a lease not renewed for this long may be taken by another worker</li>
 *   <li>idle time between reads 1 s (polling): at most one GetRecords per shard per second, leaving room for a
 *       second consumer under the 5 reads/s per-shard limit</li>
 *   <li>max records per call 10,000 (KCL's default and Kinesis' limit; a call returns at most 10 MB anyway):
 *       how many records one GetRecords asks for when polling; kinesis-mock has no 10 MB cap and times out on pages
 *       of hundreds of MB, so local runs ask for a page of about 2 MB</li>
 *   <li>shard-sync interval 60 s and parent-shard poll interval 10 s (KCL's defaults)</li>
 *   <li>dispatch interval 1 s (KCL's default): how often the Scheduler advances shard consumers; each lifecycle
 *       step (wait for parents, initialize, ...) takes one pass, so a new lease starts reading after 2–3 passes</li>
 *   <li>graceful-shutdown timeout 20 s, after which the worker is shut down without final checkpoints</li>
 *   <li>lease table = application name; results table {@code <application>-results}; progress table
 *       {@code <application>-progress}; alert ledger {@code <application>-alerts} (created only for a spec with
 *       alerts)</li>
 *   <li>result retention 30 d: each result item's {@code expiresAt} (the table's TTL) is its window's end plus
 *       this</li>
 *   <li>Parquet results off; when on, under {@code results-parquet/} of the bucket</li>
 *   <li>engine: {@link EngineConfig#builder()}'s defaults; sink retries {@link RetryPolicy#defaults()}</li>
 *   <li>worker id {@code <application>-<random UUID>}</li>
 * </ul>
 */
public final class ConsumerConfig {

    /** How records are read from the shards. */
    public enum Retrieval {
        /** GetRecords polling, shared 2 MB/s read throughput per shard. */
        POLLING,
        /** Enhanced fan-out (SubscribeToShard): a dedicated 2 MB/s per shard, pushed over HTTP/2. */
        FAN_OUT
    }

    /** GetRecords' own limit on its {@code Limit} parameter. */
    public static final int MAX_RECORDS_PER_CALL_LIMIT = 10_000;

    private final String applicationName;
    private final String streamName;
    private final String bucket;
    private final InitialPositionInStreamExtended initialPosition;
    private final Retrieval retrieval;
    private final Duration checkpointInterval;
    private final Duration failoverTime;
    private final Duration idleTimeBetweenReads;
    private final int maxRecordsPerCall;
    private final Duration shardSyncInterval;
    private final Duration parentShardPollInterval;
    private final Duration dispatchInterval;
    private final Duration gracefulShutdownTimeout;
    private final String leaseTableName;
    private final String resultsTableName;
    private final String progressTableName;
    private final String alertsTableName;
    private final Duration resultRetention;
    private final Duration idleWatermarkAfter;
    private final String parquetPrefix;
    private final String workerId;
    private final EngineConfig engine;
    private final RetryPolicy sinkRetry;

    private ConsumerConfig(Builder b) {
        this.applicationName = requireName(b.applicationName, "application name");
        this.streamName = requireName(b.streamName, "stream name");
        this.bucket = requireName(b.bucket, "bucket");
        this.initialPosition = Objects.requireNonNull(b.initialPosition, "initialPosition");
        this.retrieval = Objects.requireNonNull(b.retrieval, "retrieval");
        this.checkpointInterval = requirePositive(b.checkpointInterval, "checkpointInterval");
        this.failoverTime = requirePositive(b.failoverTime, "failoverTime");
        this.idleTimeBetweenReads = requirePositive(b.idleTimeBetweenReads, "idleTimeBetweenReads");
        this.maxRecordsPerCall = requireRecordsPerCall(b.maxRecordsPerCall);
        this.shardSyncInterval = requirePositive(b.shardSyncInterval, "shardSyncInterval");
        this.parentShardPollInterval = requirePositive(b.parentShardPollInterval, "parentShardPollInterval");
        this.dispatchInterval = requirePositive(b.dispatchInterval, "dispatchInterval");
        this.gracefulShutdownTimeout = requirePositive(b.gracefulShutdownTimeout, "gracefulShutdownTimeout");
        this.leaseTableName = b.leaseTableName != null ? b.leaseTableName : applicationName;
        this.resultsTableName = b.resultsTableName != null ? b.resultsTableName : applicationName + "-results";
        this.progressTableName = b.progressTableName != null ? b.progressTableName : applicationName + "-progress";
        this.alertsTableName = b.alertsTableName != null ? b.alertsTableName : applicationName + "-alerts";
        this.resultRetention = requirePositive(b.resultRetention, "resultRetention");
        this.idleWatermarkAfter = Objects.requireNonNull(b.idleWatermarkAfter, "idleWatermarkAfter");
        if (idleWatermarkAfter.isNegative()) {
            throw new IllegalArgumentException("idleWatermarkAfter must not be negative, got " + idleWatermarkAfter);
        }
        this.parquetPrefix = b.parquetPrefix == null ? null : requireName(b.parquetPrefix, "Parquet prefix");
        this.workerId = b.workerId != null ? b.workerId : applicationName + "-" + UUID.randomUUID();
        this.engine = b.engine != null ? b.engine : EngineConfig.builder().build();
        this.sinkRetry = Objects.requireNonNull(b.sinkRetry, "sinkRetry");
    }

    /**
     * @param applicationName KCL application name: names the lease table and scopes the stored progress
     * @param streamName      the Kinesis stream to consume
     * @param bucket          S3 bucket for the raw archive, dead letters and late records
     */
    public static Builder builder(String applicationName, String streamName, String bucket) {
        return new Builder(applicationName, streamName, bucket);
    }

    /**
     * A builder from the values of {@link ConsumerSettings}, as a command line or an environment gives them:
     * {@code value} returns null for a setting not given, which then keeps its default. {@link
     * ConsumerSettings#METRICS_FILE} is not read here (loading a spec is the caller's, see {@link Builder#engine}).
     *
     * @throws IllegalArgumentException one sentence naming the flag and variable of a missing required setting or an
     *                                  unreadable value
     */
    public static Builder fromSettings(Function<Setting, String> value) {
        String application = value.apply(ConsumerSettings.APPLICATION);
        Builder b = builder(application != null ? application : ConsumerSettings.APPLICATION.defaultValue(),
                required(value, ConsumerSettings.STREAM), required(value, ConsumerSettings.BUCKET));
        given(value, ConsumerSettings.RESULTS_TABLE, b::resultsTableName);
        given(value, ConsumerSettings.PROGRESS_TABLE, b::progressTableName);
        given(value, ConsumerSettings.ALERTS_TABLE, b::alertsTableName);
        given(value, ConsumerSettings.LEASE_TABLE, b::leaseTableName);
        givenDuration(value, ConsumerSettings.RESULT_RETENTION, b::resultRetention);
        given(value, ConsumerSettings.IDLE_WATERMARK_AFTER, text -> {
            try {
                b.idleWatermarkAfter(ConsumerSettings.idleWatermarkAfter(text));
            } catch (IllegalArgumentException e) {
                Setting setting = ConsumerSettings.IDLE_WATERMARK_AFTER;
                throw new IllegalArgumentException(setting.option() + " (or " + setting.env() + "): "
                        + e.getMessage());
            }
        });
        String parquet = value.apply(ConsumerSettings.PARQUET_RESULTS);
        if (ConsumerSettings.onOff(ConsumerSettings.PARQUET_RESULTS,
                parquet != null ? parquet : ConsumerSettings.PARQUET_RESULTS.defaultValue())) {
            String prefix = value.apply(ConsumerSettings.PARQUET_PREFIX);
            b.parquetPrefix(prefix != null ? prefix : ConsumerSettings.PARQUET_PREFIX.defaultValue());
        }
        givenDuration(value, ConsumerSettings.CHECKPOINT_INTERVAL, b::checkpointInterval);
        givenDuration(value, ConsumerSettings.FAILOVER_TIME, b::failoverTime);
        givenDuration(value, ConsumerSettings.IDLE_TIME_BETWEEN_READS, b::idleTimeBetweenReads);
        givenCount(value, ConsumerSettings.MAX_RECORDS_PER_CALL, b::maxRecordsPerCall);
        givenDuration(value, ConsumerSettings.SHARD_SYNC_INTERVAL, b::shardSyncInterval);
        givenDuration(value, ConsumerSettings.PARENT_SHARD_POLL_INTERVAL, b::parentShardPollInterval);
        givenDuration(value, ConsumerSettings.DISPATCH_INTERVAL, b::dispatchInterval);
        givenDuration(value, ConsumerSettings.GRACEFUL_SHUTDOWN_TIMEOUT, b::gracefulShutdownTimeout);
        return b;
    }

    private static String required(Function<Setting, String> value, Setting setting) {
        String given = value.apply(setting);
        if (given == null || given.isBlank()) {
            throw new IllegalArgumentException("missing " + setting.option() + " (or " + setting.env() + "): "
                    + setting.description());
        }
        return given;
    }

    private static void given(Function<Setting, String> value, Setting setting, Consumer<String> set) {
        String given = value.apply(setting);
        if (given != null) {
            set.accept(given);
        }
    }

    private static void givenDuration(Function<Setting, String> value, Setting setting, Consumer<Duration> set) {
        given(value, setting, text -> {
            try {
                set.accept(Durations.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting.option() + " (or " + setting.env() + "): "
                        + e.getMessage());
            }
        });
    }

    private static void givenCount(Function<Setting, String> value, Setting setting, IntConsumer set) {
        given(value, setting, text -> {
            try {
                set.accept(requireRecordsPerCall(Integer.parseInt(text.trim())));
            } catch (IllegalArgumentException e) { // NumberFormatException included
                throw new IllegalArgumentException(setting.option() + " (or " + setting.env() + "): '" + text
                        + "' is not a whole number from 1 to " + MAX_RECORDS_PER_CALL_LIMIT);
            }
        });
    }

    private static Duration defaultOf(Setting setting) {
        return Durations.parse(setting.defaultValue());
    }

    public Builder toBuilder() {
        return new Builder(applicationName, streamName, bucket)
                .initialPosition(initialPosition)
                .retrieval(retrieval)
                .checkpointInterval(checkpointInterval)
                .failoverTime(failoverTime)
                .idleTimeBetweenReads(idleTimeBetweenReads)
                .maxRecordsPerCall(maxRecordsPerCall)
                .shardSyncInterval(shardSyncInterval)
                .parentShardPollInterval(parentShardPollInterval)
                .dispatchInterval(dispatchInterval)
                .gracefulShutdownTimeout(gracefulShutdownTimeout)
                .leaseTableName(leaseTableName)
                .resultsTableName(resultsTableName)
                .progressTableName(progressTableName)
                .alertsTableName(alertsTableName)
                .resultRetention(resultRetention)
                .idleWatermarkAfter(idleWatermarkAfter)
                .parquetPrefix(parquetPrefix)
                .workerId(workerId)
                .engine(engine)
                .sinkRetry(sinkRetry);
    }

    public String applicationName() {
        return applicationName;
    }

    public String streamName() {
        return streamName;
    }

    public String bucket() {
        return bucket;
    }

    public InitialPositionInStreamExtended initialPosition() {
        return initialPosition;
    }

    public Retrieval retrieval() {
        return retrieval;
    }

    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** How long a shard may see no new records at the tip before its watermark moves on; ZERO: never. */
    public Duration idleWatermarkAfter() {
        return idleWatermarkAfter;
    }

    public Duration failoverTime() {
        return failoverTime;
    }

    public Duration idleTimeBetweenReads() {
        return idleTimeBetweenReads;
    }

    /** Most records one GetRecords call asks for when polling. */
    public int maxRecordsPerCall() {
        return maxRecordsPerCall;
    }

    public Duration shardSyncInterval() {
        return shardSyncInterval;
    }

    public Duration parentShardPollInterval() {
        return parentShardPollInterval;
    }

    public Duration dispatchInterval() {
        return dispatchInterval;
    }

    public Duration gracefulShutdownTimeout() {
        return gracefulShutdownTimeout;
    }

    public String leaseTableName() {
        return leaseTableName;
    }

    public String resultsTableName() {
        return resultsTableName;
    }

    public String progressTableName() {
        return progressTableName;
    }

    /** The alert ledger's table ({@code AlertLedger}): which notifications were sent. */
    public String alertsTableName() {
        return alertsTableName;
    }

    /** How long after its window's end a result item may be deleted by the results table's TTL. */
    public Duration resultRetention() {
        return resultRetention;
    }

    public String workerId() {
        return workerId;
    }

    public EngineConfig engine() {
        return engine;
    }

    public RetryPolicy sinkRetry() {
        return sinkRetry;
    }

    /** The key prefix of the Parquet results in the bucket; empty when they are off. */
    public Optional<String> parquetPrefix() {
        return Optional.ofNullable(parquetPrefix);
    }

    /** Position for an application reading from the given time (AT_TIMESTAMP). */
    public static InitialPositionInStreamExtended atTimestamp(Instant timestamp) {
        return InitialPositionInStreamExtended.newInitialPositionAtTimestamp(Date.from(timestamp));
    }

    public Optional<Instant> initialTimestamp() {
        return Optional.ofNullable(initialPosition.getTimestamp()).map(Date::toInstant);
    }

    @Override
    public String toString() {
        return "ConsumerConfig{application=" + applicationName + ", stream=" + streamName + ", bucket=" + bucket
                + ", initialPosition=" + initialPosition.getInitialPositionInStream() + ", retrieval=" + retrieval
                + ", checkpointInterval=" + checkpointInterval + ", failoverTime=" + failoverTime
                + ", idleTimeBetweenReads=" + idleTimeBetweenReads + ", maxRecordsPerCall=" + maxRecordsPerCall
                + ", shardSyncInterval=" + shardSyncInterval
                + ", parentShardPollInterval=" + parentShardPollInterval + ", dispatchInterval=" + dispatchInterval
                + ", gracefulShutdownTimeout="
                + gracefulShutdownTimeout + ", tables=" + leaseTableName + "/" + resultsTableName + "/"
                + progressTableName + "/" + alertsTableName + ", resultRetention=" + resultRetention
                + ", idleWatermarkAfter=" + idleWatermarkAfter + ", parquetPrefix=" + parquetPrefix + ", workerId=" + workerId + "}";
    }

    private static String requireName(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + what + " must not be empty");
        }
        return value;
    }

    private static int requireRecordsPerCall(int value) {
        if (value < 1 || value > MAX_RECORDS_PER_CALL_LIMIT) {
            throw new IllegalArgumentException("maxRecordsPerCall must be from 1 to " + MAX_RECORDS_PER_CALL_LIMIT
                    + ", got " + value);
        }
        return value;
    }

    private static Duration requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    public static final class Builder {
        private final String applicationName;
        private final String streamName;
        private final String bucket;
        private InitialPositionInStreamExtended initialPosition =
                InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON);
        private Retrieval retrieval = Retrieval.POLLING;
        private Duration checkpointInterval = defaultOf(ConsumerSettings.CHECKPOINT_INTERVAL);
        private Duration failoverTime = defaultOf(ConsumerSettings.FAILOVER_TIME);
        private Duration idleTimeBetweenReads = defaultOf(ConsumerSettings.IDLE_TIME_BETWEEN_READS);
        private int maxRecordsPerCall = Integer.parseInt(ConsumerSettings.MAX_RECORDS_PER_CALL.defaultValue());
        private Duration shardSyncInterval = defaultOf(ConsumerSettings.SHARD_SYNC_INTERVAL);
        private Duration parentShardPollInterval = defaultOf(ConsumerSettings.PARENT_SHARD_POLL_INTERVAL);
        private Duration dispatchInterval = defaultOf(ConsumerSettings.DISPATCH_INTERVAL);
        private Duration gracefulShutdownTimeout = defaultOf(ConsumerSettings.GRACEFUL_SHUTDOWN_TIMEOUT);
        private String leaseTableName;
        private String resultsTableName;
        private String progressTableName;
        private String alertsTableName;
        private Duration resultRetention = defaultOf(ConsumerSettings.RESULT_RETENTION);
        private Duration idleWatermarkAfter = defaultOf(ConsumerSettings.IDLE_WATERMARK_AFTER);
        private String parquetPrefix;
        private String workerId;
        private EngineConfig engine;
        private RetryPolicy sinkRetry = RetryPolicy.defaults();

        private Builder(String applicationName, String streamName, String bucket) {
            this.applicationName = applicationName;
            this.streamName = streamName;
            this.bucket = bucket;
        }

        /** TRIM_HORIZON or LATEST, or {@link ConsumerConfig#atTimestamp(Instant)}. Applies to shards without a lease. */
        public Builder initialPosition(InitialPositionInStreamExtended initialPosition) {
            this.initialPosition = initialPosition;
            return this;
        }

        public Builder initialPosition(InitialPositionInStream initialPosition) {
            return initialPosition(InitialPositionInStreamExtended.newInitialPosition(initialPosition));
        }

        public Builder retrieval(Retrieval retrieval) {
            this.retrieval = retrieval;
            return this;
        }

        /** {@link ConsumerSettings#PARQUET_PREFIX} with the Parquet results on; null turns them off. */
        public Builder parquetPrefix(String parquetPrefix) {
            this.parquetPrefix = parquetPrefix;
            return this;
        }

        /** {@link ConsumerSettings#IDLE_WATERMARK_AFTER}; {@link Duration#ZERO} turns it off. */
        public Builder idleWatermarkAfter(Duration idleWatermarkAfter) {
            this.idleWatermarkAfter = idleWatermarkAfter;
            return this;
        }

        public Builder checkpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = checkpointInterval;
            return this;
        }

        public Builder failoverTime(Duration failoverTime) {
            this.failoverTime = failoverTime;
            return this;
        }

        public Builder idleTimeBetweenReads(Duration idleTimeBetweenReads) {
            this.idleTimeBetweenReads = idleTimeBetweenReads;
            return this;
        }

        /** 1 to 10,000: most records one GetRecords call asks for when polling. */
        public Builder maxRecordsPerCall(int maxRecordsPerCall) {
            this.maxRecordsPerCall = maxRecordsPerCall;
            return this;
        }

        public Builder shardSyncInterval(Duration shardSyncInterval) {
            this.shardSyncInterval = shardSyncInterval;
            return this;
        }

        public Builder parentShardPollInterval(Duration parentShardPollInterval) {
            this.parentShardPollInterval = parentShardPollInterval;
            return this;
        }

        public Builder dispatchInterval(Duration dispatchInterval) {
            this.dispatchInterval = dispatchInterval;
            return this;
        }

        public Builder gracefulShutdownTimeout(Duration gracefulShutdownTimeout) {
            this.gracefulShutdownTimeout = gracefulShutdownTimeout;
            return this;
        }

        public Builder leaseTableName(String leaseTableName) {
            this.leaseTableName = leaseTableName;
            return this;
        }

        public Builder resultsTableName(String resultsTableName) {
            this.resultsTableName = resultsTableName;
            return this;
        }

        public Builder progressTableName(String progressTableName) {
            this.progressTableName = progressTableName;
            return this;
        }

        public Builder alertsTableName(String alertsTableName) {
            this.alertsTableName = alertsTableName;
            return this;
        }

        public Builder resultRetention(Duration resultRetention) {
            this.resultRetention = resultRetention;
            return this;
        }

        /** Unique per worker process; two live workers with one id would renew each other's leases. */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        public Builder engine(EngineConfig engine) {
            this.engine = engine;
            return this;
        }

        public Builder sinkRetry(RetryPolicy sinkRetry) {
            this.sinkRetry = sinkRetry;
            return this;
        }

        public ConsumerConfig build() {
            return new ConsumerConfig(this);
        }
    }
}
