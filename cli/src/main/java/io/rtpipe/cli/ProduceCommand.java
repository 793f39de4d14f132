package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.source.AcknowledgingSource;
import io.rtpipe.producer.source.FileTailSource;
import io.rtpipe.producer.source.GeneratorConfig;
import io.rtpipe.producer.source.GeneratorSource;
import io.rtpipe.producer.source.HttpIngestSource;
import io.rtpipe.producer.source.LineSource;
import io.rtpipe.producer.source.StdinSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code rtpipe produce}: sends a feed into a Kinesis stream with the batch producer, aggregated by default (KPL
 * format, one ordered lane per shard, so each shard gets its events in input order). Sources: the generator,
 * standard input (one event per line), a tailed file (position kept in a state file), or an HTTP endpoint that
 * answers once Kinesis stored the events. Stops cleanly on SIGTERM or Ctrl-C: the source stops, what was accepted is
 * flushed within {@code --flush-timeout}.
 */
@Command(name = "produce",
        mixinStandardHelpOptions = true,
        description = "Sends events from a source into a Kinesis stream (batched, aggregated PutRecords; retries; "
                + "backpressure).")
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--stream", required = true, defaultValue = "${env:RTPIPE_STREAM_NAME}",
            description = "The Kinesis stream (env RTPIPE_STREAM_NAME).")
    String stream;

    @Option(names = "--source", defaultValue = "generator", paramLabel = "SOURCE",
            description = "generator (default), stdin (one event per line), file:PATH (follows the file like tail -F), "
                    + "or http:PORT (POST /events, JSON lines or a JSON array; 0 = any free port).")
    String source;

    @Option(names = "--state-file", paramLabel = "PATH",
            description = "file: where the acknowledged position is kept (default: PATH.rtpipe-offset).")
    Path stateFile;

    @Mixin
    HttpIngestOptions listening;

    @Option(names = "--rate", defaultValue = "1000", description = "Generator events per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", defaultValue = "0", description = "Generator: stop after this many events (default: no limit).")
    long count;

    @Option(names = "--seed", description = "Generator: random seed, to reproduce a run (default: random).")
    Long seed;

    @Mixin
    ProducerOptions producing;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "Metric spec (YAML or .sql) the stream feeds: records are partitioned by its dedup field (default: "
                    + "event_id).")
    Path metrics;

    @Option(names = "--progress-every", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often a progress line goes to stderr (default ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Option(names = "--flush-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "On stop, how long accepted events may take to be acknowledged (default ${DEFAULT-VALUE}).")
    Duration flushTimeout;

    /** Standard input and error; tests replace them. */
    InputStream stdin = System.in;
    PrintStream stderr = System.err;

    @Override
    public Integer call() throws Exception {
        if (progressEvery.isZero() || progressEvery.isNegative() || flushTimeout.isNegative()) {
            throw new CliException("--progress-every must be positive and --flush-timeout not negative");
        }
        // The one partitioning rule (PartitionRule): copies of an event, e.g. a line of file: sent again after a
        // crash, must reach the shard of their first copy, since event-id dedup is per shard.
        PartitionKeySelector partitionKeys = producing.selector(MetricsFile.load(metrics).metrics());
        // The source first: a missing file or a port in use is reported before anything talks to AWS.
        Feed feed = openSource();
        try {
            AwsCalls calls = new AwsCalls(aws, Set.of(AwsConfig.Service.KINESIS));
            calls.requireStream(stream);
            return produce(calls.clients(), feed, partitionKeys);
        } finally {
            feed.close();
        }
    }

    private int produce(AwsClients clients, Feed feed, PartitionKeySelector partitionKeys) throws Exception {
        ProducerConfig.Builder config = ProducerConfig.builder(stream).partitionKeys(partitionKeys);
        ProducerStack stack = ProducerStack.open(clients, config.build(),
                producing.noAggregation ? null : AggregationConfig.defaults());
        KinesisBatchProducer kinesis = stack.kinesis();
        RecordProducer producer = stack.producer();
        Progress progress = new Progress(producer, kinesis);
        CountDownLatch finished = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            // SIGTERM / Ctrl-C: stop the source, flush what was accepted, let run() record its position and return.
            feed.close();
            try {
                producer.flush(flushTimeout);
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "rtpipe-produce-stop");
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtpipe-produce-progress");
            t.setDaemon(true);
            return t;
        });
        Runtime.getRuntime().addShutdownHook(stopper);
        try (producer) {
            ticker.scheduleAtFixedRate(() -> stderr.println(progress.line()), progressEvery.toMillis(),
                    progressEvery.toMillis(), TimeUnit.MILLISECONDS);
            feed.run(producer);
            if (!producer.flush(flushTimeout)) {
                stderr.println("rtpipe: " + producer.metrics().bufferedRecords() + " events were not acknowledged "
                        + "within --flush-timeout " + flushTimeout + "; they fail now");
            }
        } finally {
            ticker.shutdownNow();
            stderr.println(progress.line());
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for finished
            }
        }
        boolean failed = producer.metrics().recordsFailed() > 0;
        if (failed) {
            stderr.println("rtpipe: " + FailureSummary.sentence(producer.metrics()));
        }
        if (feed.lines() != null && feed.lines().skipped() > 0) {
            stderr.println("rtpipe: " + FailureSummary.skippedLines(feed.lines()));
            failed = true;
        }
        return failed ? CliException.FAILED : 0;
    }

    /** A started source and how it runs against the producer. */
    private interface Feed extends AutoCloseable {
        void run(RecordProducer producer) throws Exception;

        /** The line source behind this feed, whose skipped lines are failures; null for other sources. */
        default LineSource lines() {
            return null;
        }

        @Override
        void close();
    }

    private Feed openSource() {
        if (source.equals("generator")) {
            if (rate <= 0) {
                throw new CliException("--rate must be a positive number of events per second, got " + rate);
            }
            GeneratorConfig.Builder generator = GeneratorConfig.builder().eventsPerSecond(rate).maxEvents(count);
            if (seed != null) {
                generator.seed(seed);
            }
            GeneratorSource events = new GeneratorSource(generator.build());
            return feed(producer -> events.run(producer::send), events::close);
        }
        if (source.equals("stdin")) {
            StdinSource lines = new StdinSource(stdin);
            return lineFeed(lines, producer -> lines.run(producer::send));
        }
        if (source.startsWith("file:")) {
            Path file = Path.of(source.substring("file:".length()));
            if (!Files.isRegularFile(file)) {
                throw new CliException("--source file: no such file: " + file);
            }
            Path state = stateFile != null ? stateFile : file.resolveSibling(file.getFileName() + ".rtpipe-offset");
            if (state.toAbsolutePath().getParent() != null && !Files.isDirectory(state.toAbsolutePath().getParent())) {
                throw new CliException("--state-file: the folder " + state.toAbsolutePath().getParent()
                        + " does not exist");
            }
            FileTailSource tail = FileTailSource.builder(file, state).build();
            return lineFeed(tail, producer -> {
                try {
                    tail.run(producer::send);
                } catch (IOException e) {
                    throw new CliException(e.getMessage(), CliException.FAILED, e);
                }
            });
        }
        if (source.startsWith("http:")) {
            return acknowledging(http(source.substring("http:".length())));
        }
        throw new CliException("--source must be generator, stdin, file:PATH or http:PORT, got '" + source + "'");
    }

    private HttpIngestSource http(String portText) {
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw new CliException("--source http:PORT needs a port from 0 to 65535, got '" + portText + "'");
        }
        try {
            HttpIngestSource http = listening.builder().port(port).bind();
            stderr.println("rtpipe: listening on " + listening.scheme() + "://" + http.address().getHostString()
                    + ":" + http.address().getPort() + "/events (POST JSON lines or a JSON array; GET /health)");
            return http;
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        } catch (BindException e) {
            throw new CliException(e.getMessage());
        } catch (IOException e) {
            throw new CliException("cannot listen on " + listening.bind + ":" + port + ": " + e.getMessage());
        }
    }

    private Feed acknowledging(AcknowledgingSource events) {
        return feed(producer -> events.run(producer::send), events::close);
    }

    @FunctionalInterface
    private interface Runner {
        void run(RecordProducer producer) throws Exception;
    }

    private static Feed lineFeed(LineSource lines, Runner run) {
        return new Feed() {
            @Override
            public void run(RecordProducer producer) throws Exception {
                run.run(producer);
            }

            @Override
            public LineSource lines() {
                return lines;
            }

            @Override
            public void close() {
                lines.close();
            }
        };
    }

    private static Feed feed(Runner run, Runnable close) {
        return new Feed() {
            @Override
            public void run(RecordProducer producer) throws Exception {
                run.run(producer);
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    /** The progress line: events produced, acknowledged, failed, buffered, rate, and events per Kinesis record. */
    private static final class Progress {
        private final RecordProducer producer;
        private final KinesisBatchProducer kinesis;
        private final long startNanos = System.nanoTime();

        Progress(RecordProducer producer, KinesisBatchProducer kinesis) {
            this.producer = producer;
            this.kinesis = kinesis;
        }

        String line() {
            ProducerMetrics m = producer.metrics();
            long kinesisRecords = kinesis.metrics().recordsAcknowledged();
            double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            return String.format("produced %,d: %,d acknowledged, %,d failed, %,d buffered; %,.0f events/s; "
                            + "%.1f events per Kinesis record; %,d retries",
                    m.recordsAccepted(), m.recordsAcknowledged(), m.recordsFailed(), m.bufferedRecords(),
                    m.recordsAcknowledged() / seconds,
                    kinesisRecords == 0 ? 0.0 : (double) m.recordsAcknowledged() / kinesisRecords, m.recordRetries());
        }
    }
}
