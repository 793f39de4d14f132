package io.rtpipe.consumer;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.AlertLedger;
import io.rtpipe.connectors.dynamodb.KeySchemaCheck;
import io.rtpipe.connectors.dynamodb.ProgressStore;
import io.rtpipe.connectors.dynamodb.ResultsSink;
import io.rtpipe.connectors.dynamodb.ResultsTable;
import io.rtpipe.connectors.output.OutputSinks;
import io.rtpipe.connectors.s3.S3IntervalSink;
import io.rtpipe.connectors.s3.S3SnapshotStore;
import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.connectors.reference.ReferenceLoader;
import io.rtpipe.contract.Tables;
import io.rtpipe.core.reference.ReferenceException;
import io.rtpipe.core.task.ProgressException;
import io.rtpipe.core.task.ReferencePort;
import io.rtpipe.core.task.TaskPorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.coordinator.WorkerStateChangeListener;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import software.amazon.kinesis.processor.SingleStreamTracker;
import software.amazon.kinesis.retrieval.RetrievalSpecificConfig;
import software.amazon.kinesis.retrieval.fanout.FanOutConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One KCL worker running the analytics pipeline on a stream: owns the KCL {@link Scheduler} thread and every AWS
 * client it uses.
 *
 * <pre>{@code
 * try (var consumer = new KclConsumer(config, new AwsClients(awsConfig))) {
 *     consumer.start();
 *     consumer.awaitReady(Duration.ofSeconds(30));     // first lease held
 *     ...                                               // consumer.stats().progressLine()
 *     consumer.drainAndStop(Duration.ofSeconds(30));    // bounded input: write every window, then stop
 * }
 * }</pre>
 *
 * <p>{@link #start()} checks the bucket, checks that the results, progress, alert (for a spec with alerts) and lease
 * tables that exist have the key schemas of {@link Tables} (a {@code KeySchemaMismatchException} names the table and
 * both key sets), creates the missing ones, and prepares the lease table with leases for the stream's shards (so KCL skips its random 1–30 s
 * first-sync delay). A JVM shutdown hook (SIGTERM, Ctrl-C) stops the worker gracefully within the configured timeout.
 */
public final class KclConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KclConsumer.class);
    private static final long POLL_MILLIS = 50;

    private final ConsumerConfig config;
    private final AwsClients clients;
    private final ConsumerStats stats = new ConsumerStats(Clock.systemUTC());
    private final AtomicBoolean drainRequested = new AtomicBoolean();
    private final AtomicReference<Throwable> initializationFailure = new AtomicReference<>();
    /** The first shard that could not resume from its stored progress: the worker must not go on. */
    private final AtomicReference<ProgressException> refusedShard = new AtomicReference<>();
    private final Thread shutdownHook;
    private final ReportConfig reports;
    private final PrintStream metricsOut;
    private WorkerReporter reporter;
    private ResultsPublishing publishing;

    private KinesisAsyncClient kinesis;
    private DynamoDbAsyncClient dynamoDbAsync;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private CloudWatchAsyncClient cloudWatch;
    /** The spec's reference tables, loaded at start and reloaded in the background; null without references. */
    private ReferenceLoader references;
    private LeaseTable leaseTable;
    private Scheduler scheduler;
    private Thread schedulerThread;
    private boolean stopped;

    public KclConsumer(ConsumerConfig config, AwsClients clients) {
        this(config, clients, ReportConfig.NONE);
    }

    /** A worker that also reports its metrics (on stdout) and health as {@code reports} says. */
    public KclConsumer(ConsumerConfig config, AwsClients clients, ReportConfig reports) {
        this(config, clients, reports, System.out);
    }

    /** As above with the EMF lines going to {@code metricsOut} (tests read them there). */
    KclConsumer(ConsumerConfig config, AwsClients clients, ReportConfig reports, PrintStream metricsOut) {
        this.config = config;
        this.clients = clients;
        this.reports = reports;
        this.metricsOut = metricsOut;
        this.shutdownHook = new Thread(() -> stopGracefully(config.gracefulShutdownTimeout()),
                "rtpipe-consumer-shutdown");
    }

    public ConsumerConfig config() {
        return config;
    }

    /**
     * Prepares tables and leases and starts the worker thread; returns without waiting for a lease
     * (see {@link #awaitReady(Duration)}).
     *
     * @throws IllegalStateException with one sentence naming what is missing, unreachable or keyed otherwise
     * @throws IllegalArgumentException naming the spec's outputs whose endpoints a local config lacks
     * @throws ProgressException naming a metric this spec defines otherwise than the application did before
     */
    public synchronized void start() {
        if (scheduler != null) {
            throw new IllegalStateException("consumer already started");
        }
        kinesis = clients.kinesisAsync();
        dynamoDbAsync = clients.dynamoDbAsync();
        dynamoDb = clients.dynamoDb();
        s3 = clients.s3();
        cloudWatch = clients.cloudWatchAsync();
        Optional<ResultsPublishing.Publisher> publisher = Optional.empty();
        try {
            // First, creating nothing: a local config without the outputs' endpoints stops here.
            publisher = ResultsPublishing.publisher(config, clients, s3, dynamoDb, kinesis);
            requireBucket();
            ResultsTable.createIfMissing(dynamoDb, config.resultsTableName());
            ProgressStore.createTableIfMissing(dynamoDb, config.progressTableName());
            if (OutputSinks.needsAlertLedger(config.engine())) {
                AlertLedger.createTableIfMissing(dynamoDb, config.alertsTableName());
            }
            // Before any lease: a worker whose spec defines a metric otherwise than the application did stops here.
            new ProgressStore(dynamoDb, config.progressTableName(), config.applicationName(), config.streamName())
                    .requireDefinitions(config.engine());
            // KCL creates a missing lease table itself, but would only fail lease by lease on one keyed otherwise.
            KeySchemaCheck.requireIfExists(dynamoDb, config.leaseTableName(), Tables.LEASES);
            leaseTable = new LeaseTable(dynamoDbAsync, config.leaseTableName());
            leaseTable.prepare(kinesis, config.streamName(), config.initialPosition());
            references = loadReferences();
            scheduler = newScheduler();
        } catch (RuntimeException e) {
            publisher.ifPresent(ResultsPublishing.Publisher::close);
            closeClients();
            throw e;
        }
        schedulerThread = new Thread(scheduler, "rtpipe-kcl-scheduler-" + config.streamName());
        schedulerThread.setDaemon(true);
        schedulerThread.start();
        if (reports.reportsAnything()) {
            reporter = new WorkerReporter(reports, stats,
                    () -> initializationFailure.get() == null && schedulerThread.isAlive(),
                    config.applicationName(), config.workerId(), metricsOut);
        }
        // Rounds as often as shards checkpoint: a mark moves at most that often.
        publisher.ifPresent(rounds -> publishing = ResultsPublishing.every(config.checkpointInterval(), rounds));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        LOG.info("Consumer started: {}", config);
    }

    private ReferenceLoader loadReferences() {
        if (config.engine().references().isEmpty()) {
            return null;
        }
        try {
            return ReferenceLoader.start(config.engine().references(), clients);
        } catch (ReferenceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void requireBucket() {
        try {
            s3.headBucket(b -> b.bucket(config.bucket()));
        } catch (NoSuchBucketException e) {
            throw new IllegalStateException("S3 bucket '" + config.bucket() + "' does not exist; create it first", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new IllegalStateException("S3 bucket '" + config.bucket() + "' does not exist; create it first", e);
            }
            throw new IllegalStateException("cannot access S3 bucket '" + config.bucket() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The task's stores: S3 for intervals and window-state snapshots, DynamoDB for results and progress (also what
     * {@link ProcessorBench} runs).
     */
    static TaskPorts ports(ConsumerConfig config, S3Client s3, DynamoDbClient dynamoDb, ResultsSink results) {
        var progress = new ProgressStore(dynamoDb, config.progressTableName(), config.applicationName(),
                config.streamName());
        return new TaskPorts(new S3IntervalSink(s3, config.bucket(), config.streamName(), config.sinkRetry()),
                results, progress, progress, new S3SnapshotStore(s3, config.bucket(), config.streamName(),
                config.sinkRetry()));
    }

    /** The results table's writer, also the reader of the marks an idle shard without an event time starts from. */
    static ResultsSink results(ConsumerConfig config, S3Client s3, DynamoDbClient dynamoDb) {
        return new ResultsSink(dynamoDb, config.resultsTableName(), config.sinkRetry(), config.resultRetention(),
                new S3Writes(s3, config.bucket(), config.sinkRetry()), config.engine());
    }

    private Scheduler newScheduler() {
        var results = results(config, s3, dynamoDb);
        var outputs = ports(config, s3, dynamoDb, results)
                .withReferences(references == null ? ReferencePort.NONE : references);
        // One processor per shard lease; all share the sinks, stats and drain switch.
        ShardRecordProcessorFactory factory = () -> new AnalyticsRecordProcessor(config.engine(), config.workerId(),
                outputs, stats, config.checkpointInterval(), config.idleWatermarkAfter(), drainRequested::get,
                e -> refusedShard.compareAndSet(null, e), Clock.systemUTC(), results::firedThrough);
        var configs = new ConfigsBuilder(new SingleStreamTracker(config.streamName(), config.initialPosition()),
                config.applicationName(), kinesis, dynamoDbAsync, cloudWatch, config.workerId(), factory)
                .tableName(config.leaseTableName());

        var leaseManagement = configs.leaseManagementConfig()
                .failoverTimeMillis(config.failoverTime().toMillis())
                .shardSyncIntervalMillis(config.shardSyncInterval().toMillis())
                .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                .leaseTablePitrEnabled(false);
        var coordinator = configs.coordinatorConfig()
                .parentShardPollIntervalMillis(config.parentShardPollInterval().toMillis())
                .shardConsumerDispatchPollIntervalMillis(config.dispatchInterval().toMillis())
                .workerStateChangeListener(new WorkerStateChangeListener() {
                    @Override
                    public void onWorkerStateChange(WorkerState newState) {
                        LOG.debug("KCL worker state {}", newState);
                    }

                    @Override
                    public void onAllInitializationAttemptsFailed(Throwable e) {
                        initializationFailure.set(e);
                    }
                });
        var metrics = configs.metricsConfig()
                .metricsLevel(MetricsLevel.NONE)
                .metricsFactory(new NullMetricsFactory());
        // Called with empty batches too, so an idle shard still reaches its checkpoint interval and reports lag.
        var processor = configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true);
        var retrieval = configs.retrievalConfig().retrievalSpecificConfig(retrievalConfig());
        return new Scheduler(configs.checkpointConfig(), coordinator, leaseManagement, configs.lifecycleConfig(),
                metrics, processor, retrieval);
    }

    private RetrievalSpecificConfig retrievalConfig() {
        return switch (config.retrieval()) {
            case POLLING -> new PollingConfig(config.streamName(), kinesis)
                    .idleTimeBetweenReadsInMillis(config.idleTimeBetweenReads().toMillis())
                    .maxRecords(config.maxRecordsPerCall());
            case FAN_OUT -> new FanOutConfig(kinesis)
                    .streamName(config.streamName())
                    .applicationName(config.applicationName());
        };
    }

    /**
     * Waits until this worker holds its first lease and has initialized the shard's processor.
     *
     * @return false on timeout
     * @throws IllegalStateException when KCL gave up initializing (its cause is the last error)
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return await(timeout, () -> stats.shardsHeld() > 0);
    }

    /**
     * Waits until this worker holds every shard not yet read to its end and each has read an empty batch at the
     * stream's tip after {@code since}: for a bounded input whose last put was acknowledged before {@code since},
     * everything has been consumed. Meant for a single worker ({@code rtpipe local}); with several workers it waits
     * until this one holds them all.
     *
     * @return false on timeout
     */
    public boolean awaitCaughtUp(Instant since, Duration timeout) throws InterruptedException {
        if (leaseTable == null) {
            throw new IllegalStateException("consumer not started");
        }
        return await(timeout, () -> {
            // Checked first from memory; the lease table is only read once every held shard looks caught up.
            if (!stats.allShardsCaughtUpSince(since)) {
                return false;
            }
            Set<String> unfinished = leaseTable.unfinishedShardIds();
            return stats.shardsCaughtUpSince(unfinished, since);
        });
    }

    private boolean await(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            requireNoRefusal();
            Throwable failure = initializationFailure.get();
            if (failure != null) {
                throw new IllegalStateException("KCL could not initialize: " + failure.getMessage(), failure);
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    /**
     * Whether some shard could not resume from its stored progress (missing, or written under another definition of
     * a metric); the caller should stop the worker and exit with code 2.
     *
     * @throws ProgressException with the one-sentence reason, if so
     */
    public void requireNoRefusal() {
        ProgressException refused = refusedShard.get();
        if (refused != null) {
            throw refused;
        }
    }

    /** Live counters for a progress line. */
    public ConsumerStats.Snapshot stats() {
        return stats.snapshot();
    }

    /**
     * Declares the input complete, then stops gracefully: every shard fires its open windows, writes them and
     * checkpoints at its last record (what {@code rtpipe local} does once the producer finished and
     * {@link #awaitCaughtUp} returned).
     *
     * @return true if every shard finished within the timeout
     */
    public boolean drainAndStop(Duration timeout) {
        drainRequested.set(true);
        return stopGracefully(timeout);
    }

    /**
     * Graceful hand-off: each shard writes what is final and checkpoints at its planned position, leases are
     * released, the worker stops. Falls back to {@link #shutdownNow()} after {@code timeout} (KCL's graceful
     * shutdown has been seen to hang after a reshard).
     *
     * @return true if the graceful shutdown completed within the timeout
     */
    public boolean stopGracefully(Duration timeout) {
        Scheduler running;
        synchronized (this) {
            if (scheduler == null || stopped) {
                return true;
            }
            stopped = true;
            running = scheduler;
        }
        boolean graceful = false;
        long started = System.nanoTime();
        long failedHandOffsBefore = stats.failedHandOffs();
        boolean kclFinished = false;
        try {
            CompletableFuture<Boolean> kclShutdown = running.startGracefulShutdown();
            // KCL 2.7.2 waits for a shutdown notification for every lease this worker owns, including the leases of
            // shards it already read to SHARD_END (kept until KCL's lease cleanup deletes them, a minute or more):
            // their consumers have finished and are never notified, so after a reshard its future would hang until
            // the timeout. Every processor that had something to hand off is done once none is held.
            long deadline = started + timeout.toNanos();
            while (!kclShutdown.isDone() && stats.shardsHeld() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
            }
            if (kclShutdown.isDone()) {
                kclFinished = true;
                graceful = Boolean.TRUE.equals(kclShutdown.get());
            } else if (stats.shardsHeld() == 0) {
                graceful = stats.failedHandOffs() == failedHandOffsBefore;
                LOG.info("Every shard processor has handed off{}; finishing the shutdown without waiting for KCL to "
                        + "notify the leases of shards that already ended", graceful ? "" : " (some could not checkpoint)");
            } else {
                LOG.warn("Graceful shutdown did not finish within {}; shutting down without final checkpoints",
                        timeout);
            }
        } catch (ExecutionException e) {
            LOG.warn("Graceful shutdown failed; shutting down without final checkpoints", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!graceful || !kclFinished) {
            running.shutdown();
        }
        finish(Duration.ofNanos(System.nanoTime() - started));
        return graceful;
    }

    /**
     * Abrupt stop, as if the process died between checkpoints: leases are dropped without final checkpoints or
     * writes; the next owner replays from the last checkpoint (after the failover time).
     */
    public void shutdownNow() {
        Scheduler running;
        synchronized (this) {
            if (scheduler == null || stopped) {
                return;
            }
            stopped = true;
            running = scheduler;
        }
        long started = System.nanoTime();
        running.shutdown();
        finish(Duration.ofNanos(System.nanoTime() - started));
    }

    private void finish(Duration shutdownTook) {
        if (reporter != null) {
            reporter.close();
        }
        if (publishing != null) {
            publishing.close();
        }
        try {
            schedulerThread.join(config.gracefulShutdownTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (schedulerThread.isAlive()) {
            LOG.warn("KCL scheduler thread still running after shutdown; abandoning it (daemon thread)");
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already inside JVM shutdown: the hook is what called us.
        }
        closeClients();
        stats.allShardsStopped(); // KCL's forced final shutdown may skip leaseLost
        LOG.info("Consumer stopped in {} ms; {}", shutdownTook.toMillis(), stats.snapshot().progressLine());
    }

    private void closeClients() {
        if (references != null) {
            references.close();
        }
        for (SdkClient client : java.util.Arrays.asList(kinesis, dynamoDbAsync, dynamoDb, s3, cloudWatch)) {
            if (client != null) {
                try {
                    client.close();
                } catch (RuntimeException e) {
                    LOG.debug("Closing {} failed", client.serviceName(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        stopGracefully(config.gracefulShutdownTimeout());
    }
}
