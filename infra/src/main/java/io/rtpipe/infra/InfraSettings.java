package io.rtpipe.infra;

import io.rtpipe.contract.ConsumerSettings;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every knob of the CDK app, read from CDK context ({@code -c rtpipe:key=value} or {@code cdk.json}). Immutable;
 * {@link #builder()} starts from the documented defaults, which are also what {@code cdk synth} uses without any
 * context. README.md lists the same keys.
 */
public final class InfraSettings {

    /** Provisioned shards with the rtpipe autoscaler, or Kinesis on-demand capacity. */
    public enum StreamMode { PROVISIONED, ON_DEMAND }

    public static final String CONTEXT_PREFIX = "rtpipe:";

    private final String prefix;
    private final StreamMode streamMode;
    private final int initialShards;
    private final int minShards;
    private final int maxShards;
    private final int retentionHours;
    private final String lambdaJar;
    private final String consumerImageDirectory;
    private final String consumerDockerfile;
    private final int consumerCpu;
    private final int consumerMemoryMiB;
    private final int consumerMinTasks;
    private final int consumerMaxTasks;
    private final int shardsPerConsumerTask;
    private final int archiveInfrequentAccessDays;
    private final int archiveExpirationDays;
    private final int resultRetentionDays;
    private final String idleWatermarkAfter;
    private final boolean analyticsLambda;
    private final String analyticsHandler;
    private final int batchSize;
    private final int batchingWindowSeconds;
    private final int tumblingWindowSeconds;
    private final int iteratorAgeAlarmSeconds;
    private final int uncheckpointedAgeAlarmMinutes;
    private final int behindLatestAlarmSeconds;
    private final String alarmEmail;
    private final String metricsFile;

    private InfraSettings(Builder b) {
        this.prefix = Objects.requireNonNull(b.prefix, "prefix");
        this.streamMode = Objects.requireNonNull(b.streamMode, "streamMode");
        this.initialShards = b.initialShards;
        this.minShards = b.minShards;
        this.maxShards = b.maxShards;
        this.retentionHours = b.retentionHours;
        this.lambdaJar = Objects.requireNonNull(b.lambdaJar, "lambdaJar");
        this.consumerImageDirectory = Objects.requireNonNull(b.consumerImageDirectory, "consumerImageDirectory");
        this.consumerDockerfile = Objects.requireNonNull(b.consumerDockerfile, "consumerDockerfile");
        this.consumerCpu = b.consumerCpu;
        this.consumerMemoryMiB = b.consumerMemoryMiB;
        this.consumerMinTasks = b.consumerMinTasks;
        this.consumerMaxTasks = b.consumerMaxTasks;
        this.shardsPerConsumerTask = b.shardsPerConsumerTask;
        this.archiveInfrequentAccessDays = b.archiveInfrequentAccessDays;
        this.archiveExpirationDays = b.archiveExpirationDays;
        this.resultRetentionDays = b.resultRetentionDays;
        this.idleWatermarkAfter = Objects.requireNonNull(b.idleWatermarkAfter, "idleWatermarkAfter");
        this.analyticsLambda = b.analyticsLambda;
        this.analyticsHandler = Objects.requireNonNull(b.analyticsHandler, "analyticsHandler");
        this.batchSize = b.batchSize;
        this.batchingWindowSeconds = b.batchingWindowSeconds;
        this.tumblingWindowSeconds = b.tumblingWindowSeconds;
        this.iteratorAgeAlarmSeconds = b.iteratorAgeAlarmSeconds;
        this.uncheckpointedAgeAlarmMinutes = b.uncheckpointedAgeAlarmMinutes;
        this.behindLatestAlarmSeconds = b.behindLatestAlarmSeconds;
        this.alarmEmail = b.alarmEmail;
        this.metricsFile = b.metricsFile;
        require(prefix.matches("[a-z][a-z0-9-]{0,19}"), "prefix must be 1-20 lowercase letters, digits or dashes");
        require(minShards >= 1 && minShards <= maxShards, "shard bounds must satisfy 1 <= minShards <= maxShards");
        require(initialShards >= minShards && initialShards <= maxShards,
                "initialShards must lie between minShards and maxShards");
        require(retentionHours >= 24 && retentionHours <= 8760, "retentionHours must be between 24 and 8760");
        require(consumerMinTasks >= 1 && consumerMinTasks <= consumerMaxTasks,
                "consumer task bounds must satisfy 1 <= consumerMinTasks <= consumerMaxTasks");
        require(shardsPerConsumerTask >= 1, "shardsPerConsumerTask must be at least 1");
        require(archiveInfrequentAccessDays >= 30 && archiveExpirationDays > archiveInfrequentAccessDays,
                "archive lifecycle needs infrequentAccessDays >= 30 (an S3 minimum) and expirationDays after it");
        require(resultRetentionDays >= 1, "resultRetentionDays must be at least 1");
        try {
            ConsumerSettings.idleWatermarkAfter(idleWatermarkAfter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid CDK context: " + CONTEXT_PREFIX + "idleWatermarkAfter: "
                    + e.getMessage() + ".");
        }
        require(batchSize >= 1 && batchSize <= 10_000, "batchSize must be between 1 and 10000");
        require(batchingWindowSeconds >= 0 && batchingWindowSeconds <= 300, "batchingWindowSeconds must be 0-300");
        require(tumblingWindowSeconds >= 0 && tumblingWindowSeconds <= 900, "tumblingWindowSeconds must be 0-900");
        require(iteratorAgeAlarmSeconds >= 1, "iteratorAgeAlarmSeconds must be at least 1");
        require(uncheckpointedAgeAlarmMinutes >= 1, "uncheckpointedAgeAlarmMinutes must be at least 1");
        require(behindLatestAlarmSeconds >= 1, "behindLatestAlarmSeconds must be at least 1");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("Invalid CDK context: " + message + ".");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads {@code rtpipe:*} keys through {@code lookup} (e.g. {@code app.getNode()::tryGetContext}); a missing key
     * keeps its default.
     */
    public static InfraSettings fromContext(Function<String, Object> lookup) {
        Builder b = builder();
        Function<String, String> get = key -> {
            Object value = lookup.apply(CONTEXT_PREFIX + key);
            return value == null ? null : value.toString().trim();
        };
        apply(get, "prefix", v -> b.prefix = v);
        apply(get, "streamMode", v -> b.streamMode = streamMode(v));
        applyInt(get, "initialShards", v -> b.initialShards = v);
        applyInt(get, "minShards", v -> b.minShards = v);
        applyInt(get, "maxShards", v -> b.maxShards = v);
        applyInt(get, "retentionHours", v -> b.retentionHours = v);
        apply(get, "lambdaJar", v -> b.lambdaJar = v);
        apply(get, "consumerImageDirectory", v -> b.consumerImageDirectory = v);
        apply(get, "consumerDockerfile", v -> b.consumerDockerfile = v);
        applyInt(get, "consumerCpu", v -> b.consumerCpu = v);
        applyInt(get, "consumerMemoryMiB", v -> b.consumerMemoryMiB = v);
        applyInt(get, "consumerMinTasks", v -> b.consumerMinTasks = v);
        applyInt(get, "consumerMaxTasks", v -> b.consumerMaxTasks = v);
        applyInt(get, "shardsPerConsumerTask", v -> b.shardsPerConsumerTask = v);
        applyInt(get, "archiveInfrequentAccessDays", v -> b.archiveInfrequentAccessDays = v);
        applyInt(get, "archiveExpirationDays", v -> b.archiveExpirationDays = v);
        applyInt(get, "resultRetentionDays", v -> b.resultRetentionDays = v);
        apply(get, "idleWatermarkAfter", v -> b.idleWatermarkAfter = v);
        apply(get, "analyticsLambda", v -> b.analyticsLambda = bool("analyticsLambda", v));
        apply(get, "analyticsHandler", v -> b.analyticsHandler = v);
        applyInt(get, "batchSize", v -> b.batchSize = v);
        applyInt(get, "batchingWindowSeconds", v -> b.batchingWindowSeconds = v);
        applyInt(get, "tumblingWindowSeconds", v -> b.tumblingWindowSeconds = v);
        applyInt(get, "iteratorAgeAlarmSeconds", v -> b.iteratorAgeAlarmSeconds = v);
        applyInt(get, "uncheckpointedAgeAlarmMinutes", v -> b.uncheckpointedAgeAlarmMinutes = v);
        applyInt(get, "behindLatestAlarmSeconds", v -> b.behindLatestAlarmSeconds = v);
        apply(get, "alarmEmail", v -> b.alarmEmail = v.isEmpty() ? null : v);
        apply(get, "metricsFile", v -> b.metricsFile = v.isEmpty() ? null : v);
        return b.build();
    }

    private static void apply(Function<String, String> get, String key, java.util.function.Consumer<String> set) {
        String value = get.apply(key);
        if (value != null) {
            set.accept(value);
        }
    }

    private static void applyInt(Function<String, String> get, String key, java.util.function.IntConsumer set) {
        apply(get, key, v -> {
            try {
                set.accept(Integer.parseInt(v));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid CDK context: " + CONTEXT_PREFIX + key
                        + " must be a whole number, got '" + v + "'.");
            }
        });
    }

    private static boolean bool(String key, String v) {
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("Invalid CDK context: " + CONTEXT_PREFIX + key
                    + " must be true or false, got '" + v + "'.");
        }
        return Boolean.parseBoolean(v);
    }

    private static StreamMode streamMode(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "provisioned" -> StreamMode.PROVISIONED;
            case "on-demand", "on_demand", "ondemand" -> StreamMode.ON_DEMAND;
            default -> throw new IllegalArgumentException("Invalid CDK context: " + CONTEXT_PREFIX
                    + "streamMode must be 'provisioned' or 'on-demand', got '" + v + "'.");
        };
    }

    /** Prefix of every stack and resource name. Default {@code rtpipe}. */
    public String prefix() {
        return prefix;
    }

    /**
     * KCL application name of the consumer service, {@code <prefix>-consumer}: also the name of its lease table and
     * the CloudWatch namespace of its metrics.
     */
    public String consumerApplication() {
        return prefix + "-consumer";
    }

    /** Default {@code provisioned} (with the autoscaler). */
    public StreamMode streamMode() {
        return streamMode;
    }

    /** Shards at creation (provisioned mode). Default 2. */
    public int initialShards() {
        return initialShards;
    }

    /** Autoscaler lower bound. Default 1. */
    public int minShards() {
        return minShards;
    }

    /** Autoscaler upper bound. Default 16. */
    public int maxShards() {
        return maxShards;
    }

    /** Stream retention. Default 24 h (no extended-retention charge). */
    public int retentionHours() {
        return retentionHours;
    }

    /** Shaded lambda-handlers jar. Default {@code ../lambda-handlers/target/rtpipe-lambda-handlers-0.1.0-SNAPSHOT.jar}. */
    public String lambdaJar() {
        return lambdaJar;
    }

    /** Docker build context of the consumer image. Default {@code ..} (the repository root). */
    public String consumerImageDirectory() {
        return consumerImageDirectory;
    }

    /** Dockerfile, relative to the build context. Default {@code infra/docker/consumer/Dockerfile}. */
    public String consumerDockerfile() {
        return consumerDockerfile;
    }

    /** Fargate CPU units per consumer task. Default 512. */
    public int consumerCpu() {
        return consumerCpu;
    }

    /** Fargate memory per consumer task. Default 1024 MiB. */
    public int consumerMemoryMiB() {
        return consumerMemoryMiB;
    }

    /** Default 1. */
    public int consumerMinTasks() {
        return consumerMinTasks;
    }

    /** Default 8. */
    public int consumerMaxTasks() {
        return consumerMaxTasks;
    }

    /** Shards one consumer task should own: the task count follows the shard count divided by this. Default 4. */
    public int shardsPerConsumerTask() {
        return shardsPerConsumerTask;
    }

    /** Days before archive objects move to S3 Standard-IA. Default 30. */
    public int archiveInfrequentAccessDays() {
        return archiveInfrequentAccessDays;
    }

    /** Days before archive objects expire. Default 365. */
    public int archiveExpirationDays() {
        return archiveExpirationDays;
    }

    /**
     * Days DynamoDB keeps a window result after the window's end (each item's {@code expiresAt}, the table's TTL),
     * passed to the consumer and the analytics Lambda. Default 30, the consumer's own default.
     */
    /**
     * The consumer's {@link ConsumerSettings#IDLE_WATERMARK_AFTER} as written (a duration, or 0 / off). Default its
     * declared default, 1m.
     */
    public String idleWatermarkAfter() {
        return idleWatermarkAfter;
    }

    public int resultRetentionDays() {
        return resultRetentionDays;
    }

    /** Deploy the Kinesis analytics Lambda (needs the engine-backed handler in the jar). Default false. */
    public boolean analyticsLambda() {
        return analyticsLambda;
    }

    /** Default {@code io.rtpipe.lambda.analytics.KinesisAnalyticsHandler::handleRequest}. */
    public String analyticsHandler() {
        return analyticsHandler;
    }

    /** Event source mapping batch size. Default 500. */
    public int batchSize() {
        return batchSize;
    }

    /** Event source mapping batching window. Default 5 s. */
    public int batchingWindowSeconds() {
        return batchingWindowSeconds;
    }

    /** Lambda tumbling window (0 = none). Default 60 s. */
    public int tumblingWindowSeconds() {
        return tumblingWindowSeconds;
    }

    /** Iterator-age alarm threshold. Default 60 s. */
    public int iteratorAgeAlarmSeconds() {
        return iteratorAgeAlarmSeconds;
    }

    /**
     * Alarm when records have kept arriving at a consumer this long without its checkpoint advancing past the oldest
     * (sinks failing): its OldestUncheckpointedAgeMillis. Must exceed the longest metric window plus its allowed
     * lateness (an open window's records wait for it to fire). Default 10 min; a worker turns unhealthy, and is
     * replaced, at 30.
     */
    public int uncheckpointedAgeAlarmMinutes() {
        return uncheckpointedAgeAlarmMinutes;
    }

    /** Alarm when a consumer's largest millisBehindLatest over its shards exceeds this. Default 120 s. */
    public int behindLatestAlarmSeconds() {
        return behindLatestAlarmSeconds;
    }

    /** E-mail subscribed to the alarm topic; none by default. */
    public java.util.Optional<String> alarmEmail() {
        return java.util.Optional.ofNullable(alarmEmail);
    }

    /**
     * The metric spec (YAML, docs/metrics.md) the consumer and the analytics Lambda run, a path relative to the
     * folder {@code cdk} runs in; none by default: the built-in events_per_minute ({@link MetricsSpecFile}).
     */
    public java.util.Optional<String> metricsFile() {
        return java.util.Optional.ofNullable(metricsFile);
    }

    public static final class Builder {
        private String prefix = "rtpipe";
        private StreamMode streamMode = StreamMode.PROVISIONED;
        private int initialShards = 2;
        private int minShards = 1;
        private int maxShards = 16;
        private int retentionHours = 24;
        private String lambdaJar = "../lambda-handlers/target/rtpipe-lambda-handlers-0.1.0-SNAPSHOT.jar";
        private String consumerImageDirectory = "..";
        private String consumerDockerfile = "infra/docker/consumer/Dockerfile";
        private int consumerCpu = 512;
        private int consumerMemoryMiB = 1024;
        private int consumerMinTasks = 1;
        private int consumerMaxTasks = 8;
        private int shardsPerConsumerTask = 4;
        private int archiveInfrequentAccessDays = 30;
        private int archiveExpirationDays = 365;
        private int resultRetentionDays = 30;
        private String idleWatermarkAfter = ConsumerSettings.IDLE_WATERMARK_AFTER.defaultValue();
        private boolean analyticsLambda = false;
        private String analyticsHandler = "io.rtpipe.lambda.analytics.KinesisAnalyticsHandler::handleRequest";
        private int batchSize = 500;
        private int batchingWindowSeconds = 5;
        private int tumblingWindowSeconds = 60;
        private int iteratorAgeAlarmSeconds = 60;
        private int uncheckpointedAgeAlarmMinutes = 10;
        private int behindLatestAlarmSeconds = 120;
        private String alarmEmail;
        private String metricsFile;

        private Builder() {
        }

        public Builder prefix(String v) { prefix = v; return this; }
        public Builder streamMode(StreamMode v) { streamMode = v; return this; }
        public Builder initialShards(int v) { initialShards = v; return this; }
        public Builder minShards(int v) { minShards = v; return this; }
        public Builder maxShards(int v) { maxShards = v; return this; }
        public Builder lambdaJar(String v) { lambdaJar = v; return this; }
        public Builder consumerImageDirectory(String v) { consumerImageDirectory = v; return this; }
        public Builder consumerDockerfile(String v) { consumerDockerfile = v; return this; }
        public Builder resultRetentionDays(int v) { resultRetentionDays = v; return this; }
        public Builder idleWatermarkAfter(String v) { idleWatermarkAfter = v; return this; }
        public Builder analyticsLambda(boolean v) { analyticsLambda = v; return this; }
        public Builder alarmEmail(String v) { alarmEmail = v; return this; }
        public Builder metricsFile(String v) { metricsFile = v; return this; }

        public InfraSettings build() {
            return new InfraSettings(this);
        }
    }
}
