package io.rtpipe.cli.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.cli.AwsOptions;
import io.rtpipe.cli.CliException;
import io.rtpipe.cli.PeakHeap;
import io.rtpipe.cli.console.Console;
import io.rtpipe.cli.console.ConsoleConfig;
import io.rtpipe.cli.ProducerStack;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.output.OutputSinks;
import io.rtpipe.connectors.s3.S3IntervalSink;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.connectors.dynamodb.PublishCursors;
import io.rtpipe.connectors.publish.ParquetResultsSink;
import io.rtpipe.consumer.ResultsPublishing;
import io.rtpipe.core.publish.FinalResultsPublisher;
import io.rtpipe.contract.ConsumerSettings;
import io.rtpipe.contract.Setting;
import io.rtpipe.testkit.StreamReader;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.source.GeneratorConfig;
import io.rtpipe.producer.source.GeneratorSource;
import io.rtpipe.producer.source.StdinSource;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.Sandbox;
import io.rtpipe.sandbox.SandboxConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One {@code rtpipe local} run: sandbox up, stream/bucket created, consumer ready, events produced, consumer caught up
 * and drained, then results read back and audited against the ground truth kept while producing.
 */
public final class LocalRun {

    /**
     * What the user asked for; validated by the command.
     *
     * @param engine        the metrics to run; {@code builtInMetric} when it is the default {@code events_per_minute}
     * @param ui            whether to serve the web console during the run
     * @param partitionKeys how events are keyed ({@link io.rtpipe.producer.partition.PartitionRule})
     * @param aggregate     whether events are packed in KPL-format aggregated records, as {@code rtpipe produce} does
     * @param parquetExport the folder the Parquet results objects are copied to, or null
     * @param outputEndpoints the endpoints of the spec's outputs no emulator has ({@link #outputEndpoints})
     */
    public record Options(Duration duration, int rate, int shards, Path input, Path export, long seed,
                          boolean keepRunning, EngineConfig engine, boolean builtInMetric, boolean ui,
                          PartitionKeySelector partitionKeys, boolean aggregate, Path parquetExport,
                          Map<AwsConfig.Service, URI> outputEndpoints) {
        public Options {
            outputEndpoints = Map.copyOf(outputEndpoints);
        }
    }

    static final String APPLICATION = "rtpipe-local";
    static final String STREAM = "rtpipe-local-events";
    static final String BUCKET = "rtpipe-local-data";
    /** Short intervals: a local run should see results and checkpoints within seconds, not minutes. */
    private static final Map<Setting, String> LOCAL_SETTINGS = Map.of(
            ConsumerSettings.APPLICATION, APPLICATION,
            ConsumerSettings.STREAM, STREAM,
            ConsumerSettings.BUCKET, BUCKET,
            ConsumerSettings.CHECKPOINT_INTERVAL, "2s",
            ConsumerSettings.FAILOVER_TIME, "5s",
            ConsumerSettings.IDLE_TIME_BETWEEN_READS, "200ms",
            ConsumerSettings.SHARD_SYNC_INTERVAL, "1s",
            ConsumerSettings.PARENT_SHARD_POLL_INTERVAL, "1s",
            ConsumerSettings.DISPATCH_INTERVAL, "200ms",
            ConsumerSettings.PARQUET_RESULTS, "on");
    /** Size assumed for one unaggregated record when sizing GetRecords pages: generated events are ~200 bytes. */
    private static final int UNAGGREGATED_RECORD_BYTES = 1024;
    /** Generated events lie up to this far in the past: well inside the default allowed lateness (5 s). */
    private static final Duration GENERATOR_DISORDER = Duration.ofSeconds(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Kinesis takes at most 1 MiB of data and partition key per record: longer lines cannot be sent. */
    static final int MAX_LINE_BYTES = 1_000_000;

    private static final ObjectMapper JSON = new ObjectMapper();

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
            AwsClients clients = new AwsClients(withOutputs(aws.awsConfig()));
            aws.createStream(STREAM, options.shards());
            aws.createBucket(BUCKET);
            createOutputStreams(aws);

            ConsumerConfig consumerConfig = localConsumerConfig(aws);
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

            boolean published = publish(clients, consumerConfig);
            Audit audit = Audit.run(clients, consumerConfig, options.builtInMetric(), produced);
            audit.printResults(out);
            if (options.export() != null) {
                audit.export(options.export());
                out.println("Exported " + audit.resultCount() + " window results to " + options.export());
            }
            boolean passed = audit.printVerdict(out) && published;
            out.printf("Wall time: %.1f s%n", seconds(started));
            // This JVM runs the producer, consumer and audit; the emulators are child processes of their own.
            out.printf("Peak heap: %,d MB%n", PeakHeap.megabytes());
            if (options.keepRunning() || options.ui()) {
                keepRunning(aws);
            }
            return passed;
        }
    }

    /**
     * The endpoints of the outputs' services no emulator has (Firehose, Lambda, SNS, EventBridge), from
     * {@code AWS_ENDPOINT_URL_<SERVICE>}: a local run never sends their calls to AWS by default.
     *
     * @throws CliException (exit 2) naming the outputs and the variables to set, or a malformed URL
     */
    public static Map<AwsConfig.Service, URI> outputEndpoints(EngineConfig engine, Function<String, String> env) {
        Map<AwsConfig.Service, URI> endpoints = new EnumMap<>(AwsConfig.Service.class);
        Set<AwsConfig.Service> missing = EnumSet.noneOf(AwsConfig.Service.class);
        for (AwsConfig.Service service : OutputSinks.services(engine)) {
            if (service == AwsConfig.Service.KINESIS) {
                continue; // the emulator's
            }
            String variable = OutputSinks.endpointVariable(service);
            String value = env.apply(variable);
            if (value == null || value.isBlank()) {
                missing.add(service);
                continue;
            }
            try {
                endpoints.put(service, new URI(value.trim()));
            } catch (URISyntaxException e) {
                throw new CliException(variable + " is not a valid URL: '" + value + "'");
            }
        }
        if (!missing.isEmpty()) {
            throw new CliException(OutputSinks.endpointsMissing(engine, missing)); // exit 2
        }
        return endpoints;
    }

    /** The emulators' config with the endpoints given for the outputs' services (the publisher adds those). */
    private AwsConfig withOutputs(AwsConfig emulators) {
        Map<AwsConfig.Service, URI> endpoints = options.outputEndpoints();
        return emulators.toBuilder()
                .firehoseEndpoint(endpoints.get(AwsConfig.Service.FIREHOSE))
                .lambdaEndpoint(endpoints.get(AwsConfig.Service.LAMBDA))
                .snsEndpoint(endpoints.get(AwsConfig.Service.SNS))
                .eventBridgeEndpoint(endpoints.get(AwsConfig.Service.EVENTBRIDGE))
                .build();
    }

    /** The {@code kinesis} outputs' streams on the emulator (one shard each), so the run can publish to them. */
    private void createOutputStreams(LocalAws aws) {
        options.engine().metrics().stream().flatMap(metric -> metric.outputs().stream())
                .filter(LocalRun::onEmulator)
                .map(OutputSpec::target).distinct().forEach(stream -> aws.createStream(stream, 1));
    }

    /**
     * After the drain every window is final: one publisher round publishes what the worker's timer has not yet, to
     * the Parquet objects and to the spec's outputs, and prints what the outputs got. Then, for Parquet, the replay
     * a crash would cause, from no cursor at all: every object must come out byte for byte as before (also those
     * the timer wrote while the run went on).
     *
     * @return false if some range could not be published or an object changed (each reason printed)
     */
    private boolean publish(AwsClients clients, ConsumerConfig config) throws IOException {
        try (S3Client s3 = clients.s3(); DynamoDbClient dynamoDb = clients.dynamoDb();
             KinesisAsyncClient kinesis = clients.kinesisAsync()) {
            var built = ResultsPublishing.publisher(config, clients, s3, dynamoDb, kinesis);
            if (built.isEmpty()) {
                return true;
            }
            try (ResultsPublishing.Publisher publisher = built.get()) {
                // The worker's timer published the ranges that were final during the run; this round the rest.
                FinalResultsPublisher.Round round = publisher.rounds().publish();
                printOutputs(config, round, kinesis);
                List<FinalResultsPublisher.Failure> failures = new ArrayList<>(round.failures());
                boolean unchanged = config.parquetPrefix().isEmpty()
                        || replayParquet(s3, dynamoDb, config, publisher.rounds(), failures);
                failures.forEach(failure -> err.println("rtpipe local: " + failure.reason()));
                return failures.isEmpty() && unchanged;
            }
        }
    }

    /**
     * One line per output the spec names: for a stream on the emulator, the metric's records on it and their
     * distinct ids (one per final row: a republished row has the same id); for the others, the rows this final round
     * handed over (the worker's timer handed over the rest).
     */
    private void printOutputs(ConsumerConfig config, FinalResultsPublisher.Round round, KinesisAsyncClient kinesis) {
        config.engine().metrics().forEach(metric -> metric.outputs().forEach(output -> {
            if (onEmulator(output)) {
                List<String> ids = StreamReader.readAll(kinesis, output.target()).stream()
                        .map(record -> outputId(record.data()))
                        .filter(id -> id.startsWith(metric.name() + "/")).toList();
                out.printf("Output %s of %s: %,d records on the stream, %,d distinct ids%n", output, metric.name(),
                        ids.size(), ids.stream().distinct().count());
                return;
            }
            int rows = round.published().stream()
                    .filter(p -> p.metric().equals(metric.name()) && p.sink().equals(output.kind().specName()))
                    .mapToInt(FinalResultsPublisher.Published::rows).sum();
            out.printf("Output %s of %s: %,d final rows handed over in the last round%s%n", output, metric.name(),
                    rows, output.kind().carriesAlerts() ? " (alerts for those that cross)" : "");
        }));
    }

    /** A {@code kinesis} output named by its stream name: {@link #createOutputStreams} made it on the emulator. */
    private static boolean onEmulator(OutputSpec output) {
        return output.kind() == OutputSpec.Kind.KINESIS && !output.target().startsWith("arn:");
    }

    /** The {@code id} of an output record's JSON ({@code OutputRecord}); empty if it is not one. */
    private static String outputId(byte[] data) {
        try {
            return JSON.readTree(data).path("id").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private boolean replayParquet(S3Client s3, DynamoDbClient dynamoDb, ConsumerConfig config,
                                  FinalResultsPublisher publisher, List<FinalResultsPublisher.Failure> failures)
            throws IOException {
        String prefix = config.parquetPrefix().orElseThrow();
        Map<String, byte[]> objects = objects(s3, config.bucket(), prefix);
        PublishCursors cursors = new PublishCursors(dynamoDb, config.resultsTableName(), Clock.systemUTC());
        config.engine().metrics().forEach(metric -> cursors.reset(metric.name(), ParquetResultsSink.NAME));
        FinalResultsPublisher.Round replay = publisher.publish();
        Map<String, byte[]> rewritten = objects(s3, config.bucket(), prefix);
        int rows = replay.published().stream().filter(p -> p.sink().equals(ParquetResultsSink.NAME))
                .mapToInt(FinalResultsPublisher.Published::rows).sum();
        long bytes = rewritten.values().stream().mapToLong(object -> object.length).sum();
        out.printf("Parquet results: %,d rows in %d object(s), %,d bytes, under s3://%s/%s/ (one per metric and "
                + "hour)%n", rows, rewritten.size(), bytes, config.bucket(), prefix);
        long identical = objects.entrySet().stream()
                .filter(e -> Arrays.equals(e.getValue(), rewritten.get(e.getKey()))).count();
        // Without a cursor the round must have written every object again, else it proved nothing.
        boolean unchanged = (rows > 0 || objects.isEmpty()) && identical == objects.size()
                && rewritten.size() == objects.size();
        out.printf("Parquet replay: published again from no cursor, %d of %d object(s) byte-identical%s%n",
                identical, objects.size(), unchanged ? "" : " (" + rows + " rows republished, "
                        + rewritten.size() + " objects now): FAILED");
        if (options.parquetExport() != null) {
            for (Map.Entry<String, byte[]> object : objects.entrySet()) {
                Path file = options.parquetExport().resolve(object.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, object.getValue());
            }
            out.println("Copied " + objects.size() + " Parquet object(s) to " + options.parquetExport());
        }
        failures.addAll(replay.failures());
        return unchanged;
    }

    /** Every object under {@code prefix/}, by key. */
    private static Map<String, byte[]> objects(S3Client s3, String bucket, String prefix) {
        Map<String, byte[]> objects = new TreeMap<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).contents().forEach(object ->
                objects.put(object.key(), s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key()))
                        .asByteArray()));
        return objects;
    }

    private ConsumerConfig localConsumerConfig(LocalAws aws) {
        return consumerConfig(aws, options.engine(), options.aggregate()
                ? AggregationConfig.defaults().largestRecordBytes() : UNAGGREGATED_RECORD_BYTES);
    }

    /**
     * The local worker's configuration: the same settings `rtpipe consume` takes, so a local run is configured like
     * a deployed worker, with GetRecords pages sized for records up to {@code recordBytes} (kinesis-mock times out on
     * the pages KCL's default asks for).
     */
    static ConsumerConfig consumerConfig(LocalAws aws, EngineConfig engine, int recordBytes) {
        Map<Setting, String> settings = new java.util.HashMap<>(LOCAL_SETTINGS);
        settings.put(ConsumerSettings.MAX_RECORDS_PER_CALL, Integer.toString(aws.getRecordsLimit(recordBytes)));
        return ConsumerConfig.fromSettings(settings::get).engine(engine).build();
    }

    private void produce(AwsClients clients, Produced produced) throws Exception {
        // The production path (ProducerStack, as rtpipe produce builds it), so the audit proves what users run.
        // Default aggregation: one ordered lane per shard, so a file replayed at full speed reaches each shard in file
        // order, as with rtpipe produce --source stdin.
        ProducerConfig.Builder producerConfig = ProducerConfig.builder(STREAM).partitionKeys(options.partitionKeys());
        try (RecordProducer producer = ProducerStack.open(clients, producerConfig.build(),
                options.aggregate() ? AggregationConfig.defaults() : null).producer()) {
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
                // The lines' bytes as they are, as `rtpipe produce --source stdin` sends them: a line that is not
                // UTF-8 reaches the consumer, which dead-letters it. send blocks while the producer's buffer is full:
                // a large file waits, it never overflows.
                // A line too long for a Kinesis record is no record of any shard: it becomes a dead letter of its
                // own under deadletter/<stream>/.../unsent/, numbered by its line, and the audit expects it there.
                try (InputStream in = Files.newInputStream(options.input());
                     StdinSource lines = new StdinSource(in, MAX_LINE_BYTES, produced::unsent)) {
                    lines.run(event -> send(producer, event, produced));
                }
                try (S3Client s3 = clients.s3()) {
                    for (String key : new S3IntervalSink(s3, BUCKET, STREAM, RetryPolicy.defaults())
                            .writeUnsent(produced.unsent)) {
                        err.printf("rtpipe local: %,d %s not sent, dead-lettered in s3://%s/%s; the first: %s%n",
                                produced.unsent.size(), produced.unsent.size() == 1 ? "line" : "lines", BUCKET, key,
                                produced.unsent.get(0).reason());
                    }
                }
            }
            producer.flush();
            produced.awaitSettled();
            produced.metrics = producer.metrics();
        }
    }

    private static CompletableFuture<PutResult> send(RecordProducer producer, byte[] event, Produced produced)
            throws InterruptedException {
        produced.sent.incrementAndGet();
        return producer.send(event).whenComplete((PutResult result, Throwable failure) -> {
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
        /** The producer's counters once every send settled (null until then). */
        volatile ProducerMetrics metrics;
        /** The input's lines too long to send, as dead letters in input order (written once producing ended). */
        final List<DeadLetter> unsent = new ArrayList<>();

        void unsent(StdinSource.SkippedLine line) {
            unsent.add(new DeadLetter(new InputRecord(RecordPosition.of(Long.toString(line.lineNumber())), null,
                    System.currentTimeMillis(), line.head()), String.format("line %,d: %,d bytes, longer than the"
                    + " %,d bytes a Kinesis record holds, so it was not sent (data holds its first %,d bytes)",
                    line.lineNumber(), line.bytes(), MAX_LINE_BYTES, line.head().length)));
        }

        void acknowledged(PutResult result) {
            acknowledged.add(new StreamReader.Address(result.shardId(), result.sequenceNumber(),
                    result.subSequenceNumber()));
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
