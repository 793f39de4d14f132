package io.rtpipe.reliability;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.consumer.testing.FastKcl;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.aggregation.AggregatingProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.reliability.load.ChaosLoad;
import io.rtpipe.reliability.verify.LeaseWatch;
import io.rtpipe.reliability.verify.Verdict;
import io.rtpipe.reliability.verify.Verifier;
import io.rtpipe.reliability.worker.WorkerProcess;
import io.rtpipe.reliability.worker.WorkerSettings;
import io.rtpipe.sandbox.LocalAws;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One scenario run: a fresh stream, bucket and application; worker processes; the load; and at the end the
 * closing phase (producer stopped, surviving workers SIGTERM'd, one in-process {@link KclConsumer} on the same
 * tables drains the open windows) and the verification. Everything it started is stopped in {@link #close()}.
 */
final class ChaosRun implements AutoCloseable {

    static final int DEFAULT_SHARDS = 4;
    /**
     * The load's rate ({@code -Dchaos.eventsPerSecond}): at 1,000 events/s over 4 shards an aggregate holds the
     * events of one linger plus one round trip, over 10 (each scenario's line prints the figure).
     */
    static final int EVENTS_PER_SECOND = Integer.getInteger("chaos.eventsPerSecond", 1_000);
    /**
     * Whether the load is aggregated as {@code rtpipe produce} sends by default (one ordered lane per shard);
     * {@code -Dchaos.aggregation=false} sends one Kinesis record per event, as {@code --no-aggregation} does.
     */
    static final boolean AGGREGATED = Boolean.parseBoolean(System.getProperty("chaos.aggregation", "true"));
    /**
     * Event time runs 3× faster than wall time: a one-minute window closes every 20 s, so checkpoints move several
     * times per scenario; the 5 s allowed lateness is 1.7 s of wall time (a put delayed longer by retries is late).
     */
    static final long EVENT_MILLIS_PER_SECOND = 3_000;

    final String scenario;
    final long seed;
    final LocalAws aws;
    final AwsClients clients;
    final String stream;
    final String bucket;
    final String application;
    final WorkerSettings settings;
    final LeaseWatch leases;
    final Duration produceTime;
    final Map<ByteBuffer, String> deadLetterReasons = new HashMap<>();
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final DynamoDbClient dynamoDb;
    private final RecordProducer producer;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    final ChaosLoad load;
    private Instant loadStarted;

    final int shards;

    ChaosRun(String scenario, long seed, LocalAws aws) {
        this(scenario, seed, aws, DEFAULT_SHARDS, null);
    }

    /** @param producerFaults an interceptor for the producer's Kinesis client, or null */
    ChaosRun(String scenario, long seed, LocalAws aws, int shards, ExecutionInterceptor producerFaults) {
        this.scenario = scenario;
        this.shards = shards;
        this.seed = seed;
        this.aws = aws;
        this.clients = new AwsClients(aws.awsConfig());
        String id = scenario.replaceAll("[^a-z0-9]", "") + "-" + seed + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        this.stream = "chaos-" + id;
        this.bucket = "chaos-" + id;
        this.application = "chaos-" + id;
        this.produceTime = Duration.ofSeconds(Long.getLong("chaos.produceSeconds", 36));
        aws.createStream(stream, shards);
        aws.createBucket(bucket);
        this.settings = WorkerSettings.builder()
                .jar(Path.of(System.getProperty("chaos.workerJar", "../cli/target/rtpipe.jar")))
                .logDir(Path.of(System.getProperty("chaos.logDir", "target/chaos-logs"), id))
                .stream(stream).bucket(bucket).application(application)
                .aws(aws.awsConfig())
                .build();
        this.dynamoDb = clients.dynamoDb();
        this.leases = new LeaseWatch(dynamoDb, application);
        ProducerConfig producerConfig = ProducerConfig.builder(stream).build();
        KinesisBatchProducer kinesis;
        if (producerFaults == null) {
            kinesis = KinesisBatchProducer.create(clients, producerConfig);
        } else {
            // As KinesisBatchProducer.create(AwsClients, ...) builds it (no SDK retries), plus the faults.
            KinesisAsyncClient faulty = clients.kinesisAsync(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                    .addExecutionInterceptor(producerFaults));
            closeables.add(faulty);
            kinesis = KinesisBatchProducer.create(faulty, producerConfig);
        }
        // What rtpipe produce builds by default (the cli's ProducerStack): aggregation in front of the batch
        // producer, so the faults above hit the aggregated records. Closing it closes the batch producer.
        this.producer = AGGREGATED ? AggregatingProducer.wrap(kinesis, AggregationConfig.defaults()) : kinesis;
        this.load = new ChaosLoad(producer, id, seed, EVENTS_PER_SECOND, EVENT_MILLIS_PER_SECOND);
    }

    AwsConfig awsConfig() {
        return aws.awsConfig();
    }

    void closeAtEnd(AutoCloseable closeable) {
        closeables.add(closeable);
    }

    WorkerProcess startWorker(String name) {
        return startWorker(name, null);
    }

    WorkerProcess startWorker(String name, URI dynamoDbEndpoint) {
        WorkerProcess worker = WorkerProcess.start(settings, application + "-" + name, dynamoDbEndpoint);
        workers.add(worker);
        return worker;
    }

    /** Waits until every shard has an owner (the workers started and took the leases). */
    void awaitAllShardsOwned() throws InterruptedException {
        if (!leases.await(all -> all.size() >= shards && all.values().stream().allMatch(l -> l.owner() != null),
                Duration.ofSeconds(120))) {
            throw new AssertionError("the workers did not take every lease within 120 s; see " + settings.logDir());
        }
    }

    void startLoad() {
        loadStarted = Instant.now();
        load.start();
    }

    /**
     * Lets the load run for {@code fraction} of the production time. Phases are relative to each other, not to the
     * start: on a loaded machine starting or stopping an emulator can take longer than a phase.
     */
    void pause(double fraction) throws InterruptedException {
        Thread.sleep((long) (produceTime.toMillis() * fraction));
    }

    /**
     * Stops the producer, stops the surviving workers with SIGTERM (a hand-off that leaves open windows to the next
     * owner), drains the open windows with one in-process consumer on the same tables, and verifies.
     */
    Verdict finish() throws InterruptedException {
        // At least the production time in all, and a fifth of it after the last fault.
        long remaining = Duration.between(Instant.now(), loadStarted.plus(produceTime)).toMillis();
        Thread.sleep(Math.max(remaining, produceTime.toMillis() / 5));
        load.stopAndFlush(Duration.ofSeconds(60));
        for (WorkerProcess worker : workers) {
            if (worker.isAlive()) {
                worker.terminate(settings.gracefulShutdownTimeout().plusSeconds(10));
            }
        }
        ConsumerConfig closerConfig = FastKcl.builder(application, stream, bucket)
                .workerId(application + "-closer")
                .checkpointInterval(Duration.ofSeconds(1))
                .failoverTime(settings.failoverTime())
                .shardSyncInterval(Duration.ofSeconds(2))
                .gracefulShutdownTimeout(Duration.ofSeconds(30))
                .build();
        try (KclConsumer closer = new KclConsumer(closerConfig, new AwsClients(aws.awsConfig()))) {
            closer.start();
            Instant since = Instant.now();
            // Generous: on a loaded 2-core machine the emulators serve a few hundred records per second.
            if (!closer.awaitCaughtUp(since, Duration.ofSeconds(300))) {
                throw new AssertionError("the closing consumer did not catch up within 300 s: "
                        + closer.stats().progressLine());
            }
            if (!closer.drainAndStop(Duration.ofSeconds(30))) {
                // KCL's graceful shutdown can hang after a reshard even when every shard drained and checkpointed;
                // KclConsumer then shuts down without final checkpoints. The verification says whether anything
                // was missed.
                System.out.println("CHAOS note: the closing consumer's graceful stop did not finish within 30 s");
            }
        }
        return new Verifier(clients, stream, bucket, application + "-results")
                .verify(load.acknowledgedEventIds(), load.acknowledged(), deadLetterReasons);
    }

    /** Prints the scenario's line and appends it to {@code target/chaos-results.txt}. */
    String report(Verdict verdict, String recovery) {
        String line = verdict.line(scenario, seed, recovery)
                + String.format("  load %s at %,d events/s", AGGREGATED ? "aggregated" : "unaggregated",
                        EVENTS_PER_SECOND)
                + (load.failed() == 0 ? "" : "  (" + load.failed() + " puts failed after retries)");
        System.out.println("CHAOS " + line);
        verdict.problems().forEach(p -> System.out.println("CHAOS   " + p));
        try {
            Files.writeString(Path.of("target", "chaos-results.txt"), line + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("CHAOS could not append to target/chaos-results.txt: " + e.getMessage());
        }
        return line;
    }

    /**
     * Nothing lost, nothing counted twice, no other problem; and, with the aggregated load, the stream held
     * aggregated records (the consumer's de-aggregation was exercised).
     */
    static void assertExact(Verdict verdict) {
        assertThat(verdict.lost()).as("lost events").isZero();
        assertThat(verdict.doubleCounted()).as("double-counted events").isZero();
        assertThat(verdict.problems()).as("other problems").isEmpty();
        if (AGGREGATED) {
            assertThat(verdict.eventsPerKinesisRecord()).as("user records per Kinesis record in the stream")
                    .isGreaterThan(1.0);
        }
    }

    static String seconds(java.util.Optional<Duration> d) {
        return d.map(x -> String.format("%.1fs", x.toMillis() / 1000.0)).orElse("never");
    }

    @Override
    public void close() {
        workers.forEach(WorkerProcess::close);
        producer.close();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                System.out.println("CHAOS closing " + c + " failed: " + e);
            }
        }
        leases.close();
        dynamoDb.close();
    }
}
