package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.core.engine.EngineConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code rtpipe consume}: runs a KCL worker that computes the metrics until it is stopped (SIGTERM, Ctrl-C). */
@Command(name = "consume",
        mixinStandardHelpOptions = true,
        description = "Runs a KCL consumer worker: metrics to DynamoDB, raw archive and dead letters to S3. "
                + "Stops gracefully on SIGTERM or Ctrl-C.")
public final class ConsumeCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--stream", required = true, defaultValue = "${env:RTPIPE_STREAM_NAME}",
            description = "The Kinesis stream (env RTPIPE_STREAM_NAME).")
    String stream;

    @Option(names = "--application", defaultValue = "${env:RTPIPE_KCL_APPLICATION:-rtpipe}",
            description = "KCL application name: names the lease table (env RTPIPE_KCL_APPLICATION; default rtpipe).")
    String application;

    @Option(names = "--bucket", required = true, defaultValue = "${env:RTPIPE_ARCHIVE_BUCKET}",
            description = "S3 bucket for the raw archive, dead letters and late records (env RTPIPE_ARCHIVE_BUCKET).")
    String bucket;

    @Option(names = "--results-table", defaultValue = "${env:RTPIPE_RESULTS_TABLE}",
            description = "DynamoDB results table (env RTPIPE_RESULTS_TABLE; default <application>-results).")
    String resultsTable;

    @Option(names = "--progress-table", defaultValue = "${env:RTPIPE_PROGRESS_TABLE}",
            description = "DynamoDB shard-progress table (env RTPIPE_PROGRESS_TABLE; default <application>-progress).")
    String progressTable;

    @Option(names = "--metrics", paramLabel = "FILE", defaultValue = "${env:RTPIPE_METRICS_FILE}",
            description = "YAML metric spec file (env RTPIPE_METRICS_FILE; default: the built-in events_per_minute).")
    Path metricsFile;

    @Option(names = "--fan-out", description = "Read with enhanced fan-out instead of polling.")
    boolean fanOut;

    @Option(names = "--status-every", defaultValue = "30s", converter = DurationConverter.class,
            description = "How often to log a status line (default ${DEFAULT-VALUE}).")
    Duration statusEvery;

    @Option(names = "--worker-id", description = "This worker's id in the lease table (default <application>-<UUID>).")
    String workerId;

    @ArgGroup(exclusive = false, heading = "%nKCL timing (defaults suit production; tests and chaos runs shorten them):%n")
    Timing timing = new Timing();

    /** KCL intervals; each given one is recorded as a setting, so unset ones keep {@link ConsumerConfig}'s defaults. */
    static final class Timing {
        private final List<Consumer<ConsumerConfig.Builder>> settings = new ArrayList<>();

        @Option(names = "--checkpoint-interval", converter = DurationConverter.class,
                description = "How often a shard plans a checkpoint (default 10s).")
        void checkpointInterval(Duration value) {
            settings.add(config -> config.checkpointInterval(value));
        }

        @Option(names = "--failover-time", converter = DurationConverter.class,
                description = "A lease not renewed for this long may be taken by another worker (default 10s).")
        void failoverTime(Duration value) {
            settings.add(config -> config.failoverTime(value));
        }

        @Option(names = "--idle-time-between-reads", converter = DurationConverter.class,
                description = "Pause between GetRecords calls per shard when polling (default 1s).")
        void idleTimeBetweenReads(Duration value) {
            settings.add(config -> config.idleTimeBetweenReads(value));
        }

        @Option(names = "--shard-sync-interval", converter = DurationConverter.class,
                description = "How often the worker looks for new shards (default 60s).")
        void shardSyncInterval(Duration value) {
            settings.add(config -> config.shardSyncInterval(value));
        }

        @Option(names = "--parent-shard-poll-interval", converter = DurationConverter.class,
                description = "How often a child shard checks whether its parents finished (default 10s).")
        void parentShardPollInterval(Duration value) {
            settings.add(config -> config.parentShardPollInterval(value));
        }

        @Option(names = "--dispatch-interval", converter = DurationConverter.class,
                description = "How often the worker advances its shard consumers (default 1s).")
        void dispatchInterval(Duration value) {
            settings.add(config -> config.dispatchInterval(value));
        }

        @Option(names = "--graceful-shutdown-timeout", converter = DurationConverter.class,
                description = "How long a graceful stop may take before the worker stops without final checkpoints "
                        + "(default 20s).")
        void gracefulShutdownTimeout(Duration value) {
            settings.add(config -> config.gracefulShutdownTimeout(value));
        }

        void applyTo(ConsumerConfig.Builder config) {
            settings.forEach(setting -> setting.accept(config));
        }
    }

    @Override
    public Integer call() throws Exception {
        EngineConfig engine = MetricsFile.load(metricsFile);
        AwsCalls calls = new AwsCalls(aws, AwsOptions.ALL);
        // CloudWatch is left out: with metrics off, local runs point it at an unused port on purpose.
        calls.requireListening(AwsConfig.Service.DYNAMODB, AwsConfig.Service.S3);
        calls.requireStream(stream);
        AwsClients clients = calls.clients();
        ConsumerConfig.Builder config = ConsumerConfig.builder(application, stream, bucket)
                .engine(engine)
                .retrieval(fanOut ? ConsumerConfig.Retrieval.FAN_OUT : ConsumerConfig.Retrieval.POLLING);
        if (resultsTable != null) {
            config.resultsTableName(resultsTable);
        }
        if (progressTable != null) {
            config.progressTableName(progressTable);
        }
        if (workerId != null) {
            config.workerId(workerId);
        }
        timing.applyTo(config);
        ConsumerConfig built;
        try {
            built = config.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        // No try-with-resources: the consumer's own JVM shutdown hook stops it gracefully on SIGTERM or Ctrl-C.
        KclConsumer consumer = new KclConsumer(built, clients);
        try {
            consumer.start();
            System.err.println("rtpipe consume: worker " + consumer.config().workerId() + " started on " + stream);
            if (!consumer.awaitReady(Duration.ofMinutes(2))) {
                System.err.println("rtpipe consume: no lease held after 2 minutes (other workers may hold them all);"
                        + " waiting");
            }
        } catch (IllegalStateException e) {
            consumer.shutdownNow();
            throw new CliException(e.getMessage(), CliException.FAILED, e);
        }
        while (true) {
            Thread.sleep(statusEvery.toMillis());
            System.err.println(consumer.stats().progressLine());
        }
    }
}
