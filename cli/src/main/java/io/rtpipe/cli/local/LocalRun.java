package io.rtpipe.cli.local;

import io.rtpipe.cli.AwsOptions;
import io.rtpipe.cli.CliException;
import io.rtpipe.cli.console.Console;
import io.rtpipe.cli.console.ConsoleConfig;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.source.GeneratorConfig;
import io.rtpipe.producer.source.GeneratorSource;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.Sandbox;
import io.rtpipe.sandbox.SandboxConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code rtpipe local} run: sandbox up, stream/bucket created, consumer ready, events produced, consumer caught up
 * and drained, then results read back and audited against the ground truth kept while producing.
 */
public final class LocalRun {

    /** What the user asked for; validated by the command. */
    /** @param engine the metrics to run; {@code builtInMetric} when it is the default {@code events_per_minute} */
    public record Options(Duration duration, int rate, int shards, Path input, Path export, long seed,
                          boolean keepRunning, EngineConfig engine, boolean builtInMetric, boolean ui) {}

    static final String APPLICATION = "rtpipe-local";
    static final String STREAM = "rtpipe-local-events";
    static final String BUCKET = "rtpipe-local-data";
    /** Generated events lie up to this far in the past: well inside the default allowed lateness (5 s). */
    private static final Duration GENERATOR_DISORDER = Duration.ofSeconds(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;
    private Console console;

    public LocalRun(Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** @return true if every check passed */
    public boolean run() throws Exception {
        try {
            return runPipeline();
        } finally {
            if (console != null) {
                console.close();
            }
        }
    }

    private boolean runPipeline() throws Exception {
        long started = System.nanoTime();
        err.println("rtpipe local: starting local AWS (kinesis-mock, dynalite, S3Mock)...");
        try (LocalAws aws = Sandbox.start(SandboxConfig.defaults())) {
            err.printf("rtpipe local: %s ready in %.1f s%n", aws.backend().name().toLowerCase(), seconds(started));
            AwsClients clients = new AwsClients(aws.awsConfig());
            aws.createStream(STREAM, options.shards());
            aws.createBucket(BUCKET);

            ConsumerConfig consumerConfig = localConsumerConfig();
            if (options.ui()) {
                startConsole(consumerConfig, clients);
            }
            Produced produced = new Produced();
            try (KclConsumer consumer = new KclConsumer(consumerConfig, clients)) {
                // The consumer reads from TRIM_HORIZON, so producing need not wait for it to take its leases.
                consumer.start();
                err.printf("rtpipe local: consumer starting; producing%s%n", options.input() == null
                        ? " " + options.rate() + " events/s for " + options.duration().toSeconds() + " s"
                        : " the lines of " + options.input());
                try (ProgressLine progress = ProgressLine.start(err, produced, consumer)) {
                    produce(clients, produced);
                    progress.phase("consuming");
                    Instant producedAt = Instant.now();
                    if (!consumer.awaitReady(READY_TIMEOUT)) {
                        throw new CliException("the consumer held no lease within " + READY_TIMEOUT.toSeconds()
                                + " s", CliException.FAILED);
                    }
                    if (!consumer.awaitCaughtUp(producedAt, CATCH_UP_TIMEOUT)) {
                        progress.stop();
                        err.println("rtpipe local: the consumer did not catch up within "
                                + CATCH_UP_TIMEOUT.toSeconds() + " s; draining what it has");
                    }
                    progress.phase("draining");
                    if (!consumer.drainAndStop(DRAIN_TIMEOUT)) {
                        err.println("rtpipe local: the consumer did not stop within " + DRAIN_TIMEOUT.toSeconds()
                                + " s; results may be incomplete");
                    }
                }
            }

            Audit audit = Audit.run(clients, consumerConfig, options.builtInMetric(), produced);
            audit.printResults(out);
            if (options.export() != null) {
                audit.export(options.export());
                out.println("Exported " + audit.resultCount() + " window results to " + options.export());
            }
            boolean passed = audit.printVerdict(out);
            out.printf("Wall time: %.1f s%n", seconds(started));
            if (options.keepRunning() || options.ui()) {
                keepRunning(aws);
            }
            return passed;
        }
    }

    private ConsumerConfig localConsumerConfig() {
        // Short intervals: a local run should see results and checkpoints within seconds, not minutes.
        return ConsumerConfig.builder(APPLICATION, STREAM, BUCKET)
                .checkpointInterval(Duration.ofSeconds(2))
                .failoverTime(Duration.ofSeconds(5))
                .idleTimeBetweenReads(Duration.ofMillis(200))
                .shardSyncInterval(Duration.ofSeconds(1))
                .parentShardPollInterval(Duration.ofSeconds(1))
                .dispatchInterval(Duration.ofMillis(200))
                .engine(options.engine())
                .build();
    }

    private void produce(AwsClients clients, Produced produced) throws Exception {
        ProducerConfig.Builder producerConfig = ProducerConfig.builder(STREAM);
        if (options.input() != null) {
            // One request at a time keeps each shard in the file's order, so a file in time order has no late events.
            producerConfig.maxInFlightRequests(1);
        }
        try (KinesisBatchProducer producer = KinesisBatchProducer.create(clients, producerConfig.build())) {
            if (options.input() == null) {
                GeneratorConfig generator = GeneratorConfig.builder()
                        .seed(options.seed())
                        .eventsPerSecond(options.rate())
                        .maxEvents((long) options.rate() * Math.max(1, options.duration().toSeconds()))
                        .maxDisorder(GENERATOR_DISORDER)
                        .build();
                try (GeneratorSource source = new GeneratorSource(generator)) {
                    source.run(event -> send(producer, event, produced));
                }
            } else {
                try (BufferedReader reader = Files.newBufferedReader(options.input(), StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (!line.isBlank()) {
                            send(producer, line.getBytes(StandardCharsets.UTF_8), produced);
                        }
                    }
                }
            }
            producer.flush();
            produced.awaitSettled();
        }
    }

    private static void send(KinesisBatchProducer producer, byte[] event, Produced produced) throws InterruptedException {
        produced.sent.incrementAndGet();
        producer.send(event).whenComplete((PutResult result, Throwable failure) -> {
            if (failure == null) {
                produced.acknowledged(result);
            } else {
                produced.failed(failure);
            }
        });
    }

    private void startConsole(ConsumerConfig consumerConfig, AwsClients clients) {
        var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), ConsoleConfig.DEFAULT_PORT);
        try {
            console = Console.start(ConsoleConfig.of(consumerConfig, address), clients);
        } catch (IOException e) {
            throw new CliException("cannot serve the console on " + address + " (" + e.getMessage()
                    + "); stop what uses that port, or run rtpipe console --port with --keep-running instead");
        }
        err.println("rtpipe local: console at " + console.uri());
    }

    private void keepRunning(LocalAws aws) throws InterruptedException {
        out.println();
        if (console != null) {
            out.println("The console keeps serving at " + console.uri());
        }
        out.println("The emulators keep running (Ctrl-C stops them). Point rtpipe or the AWS CLI at them with:");
        AwsOptions.exportLines(aws.awsConfig()).forEach(out::println);
        out.println("# stream " + STREAM + ", bucket " + BUCKET + ", results table " + APPLICATION + "-results");
        CountDownLatch forever = new CountDownLatch(1);
        forever.await();
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /** What the producer side knows: counts, and where Kinesis said it stored each record. */
    static final class Produced {
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Set<StreamReader.Address> acknowledged = ConcurrentHashMap.newKeySet();
        private volatile String firstFailure;

        void acknowledged(PutResult result) {
            acknowledged.add(new StreamReader.Address(result.shardId(), result.sequenceNumber()));
            acked.incrementAndGet();
        }

        void failed(Throwable failure) {
            failed.incrementAndGet();
            if (firstFailure == null) {
                firstFailure = String.valueOf(failure.getMessage());
            }
        }

        String firstFailure() {
            return firstFailure;
        }

        /** Completions run on SDK threads after flush() returns: wait until every send has an outcome. */
        void awaitSettled() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acked.get() + failed.get() < sent.get() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
    }
}
