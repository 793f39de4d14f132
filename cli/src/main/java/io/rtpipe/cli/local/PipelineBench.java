package io.rtpipe.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.cli.CliException;
import io.rtpipe.cli.ProducerStack;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.source.GeneratorConfig;
import io.rtpipe.producer.source.GeneratorSource;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.Sandbox;
import io.rtpipe.sandbox.SandboxConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code rtpipe bench pipeline}: the path {@code rtpipe local} runs (generator, aggregating producer, kinesis-mock,
 * one KCL worker with the local settings, the built-in {@code events_per_minute} into DynamoDB and S3), measured:
 * the events/s that went through end to end, and for each (1-minute window, type) how long after the window could
 * first close (its end plus the allowed lateness, in event time = wall time of generation) the merged result in
 * DynamoDB reached the count the producer side counted for it. Results are polled every {@link #POLL}, so each
 * latency is late by up to that much.
 */
public final class PipelineBench {

    /** @param rate events/s the generator offers */
    public record Options(Duration duration, int rate, int shards, long seed) {}

    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;
    /** Events per (window start, type) as sent, counted from the payloads (the ground truth of the latency). */
    private final Map<WindowKey, LongAdder> sent = new ConcurrentHashMap<>();
    /** When each (window start, type) was first seen complete in DynamoDB. */
    private final Map<WindowKey, Instant> visible = new ConcurrentHashMap<>();
    /** The last merged count seen per (window start, type), to say what a never-complete one reached. */
    private final Map<WindowKey, Long> lastSeen = new ConcurrentHashMap<>();
    private final AtomicLong lastEventTime = new AtomicLong();

    private record WindowKey(Instant windowStart, String type) {}

    public PipelineBench(Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** @return true if every event produced was consumed */
    public boolean run() throws Exception {
        MetricSpec metric = MetricSpec.eventsPerMinute();
        EngineConfig engine = EngineConfig.defaults();
        AggregationConfig aggregation = AggregationConfig.defaults();
        err.println("rtpipe bench pipeline: starting local AWS (kinesis-mock, dynalite, S3Mock)...");
        try (LocalAws aws = Sandbox.start(SandboxConfig.defaults())) {
            AwsClients clients = new AwsClients(aws.awsConfig());
            aws.createStream(LocalRun.STREAM, options.shards());
            aws.createBucket(LocalRun.BUCKET);
            ConsumerConfig config = LocalRun.consumerConfig(aws, engine, aggregation.largestRecordBytes());
            out.printf("rtpipe bench pipeline: %d shards, %,d events/s offered for %d s; %s (1-minute windows, "
                            + "lateness %d s), %d records per GetRecords call%n", options.shards(), options.rate(),
                    options.duration().toSeconds(), metric.name(), metric.allowedLateness().toSeconds(),
                    config.maxRecordsPerCall());
            try (KclConsumer consumer = new KclConsumer(config, clients);
                 DynamoDbClient dynamoDb = clients.dynamoDb();
                 S3Client s3 = clients.s3()) {
                consumer.start();
                if (!consumer.awaitReady(Duration.ofSeconds(60))) {
                    throw new CliException("the consumer held no lease within 60 s", CliException.FAILED);
                }
                var poller = new Thread(() -> pollResults(new ResultsQuery(dynamoDb, s3, config.resultsTableName()),
                        engine), "rtpipe-bench-results");
                poller.setDaemon(true);
                poller.start();

                long started = System.nanoTime();
                Produced produced = produce(clients, aggregation);
                double produceSeconds = (System.nanoTime() - started) / 1e9;
                Instant producedAt = Instant.now();
                boolean caughtUp = consumer.awaitCaughtUp(producedAt, CATCH_UP_TIMEOUT);
                double totalSeconds = (System.nanoTime() - started) / 1e9;
                var stats = consumer.stats();
                long consumed = stats.recordsConsumed();
                // Windows that close before the last event do so on their own; later ones only when drained.
                Thread.sleep(POLL.toMillis() * 4);
                poller.interrupt();

                out.printf("produced  %,d events in %.1f s: %,.0f events/s (%,d failed; %,d Kinesis records, %.0f "
                                + "events per record; a record's buffer to acknowledgement p50 %.2f s, p99 %.2f s)%n",
                        produced.acked, produceSeconds, produced.acked / produceSeconds, produced.failed,
                        produced.kinesisRecords, produced.acked / (double) Math.max(1, produced.kinesisRecords),
                        produced.recordLatency.p50Micros() / 1e6, produced.recordLatency.p99Micros() / 1e6);
                out.println(consumedLine(consumed, produced.acked, stats.lateRecords(), stats.deadLetters(),
                        totalSeconds - produceSeconds, totalSeconds)
                        + (caughtUp ? "" : "; NOT caught up within " + CATCH_UP_TIMEOUT.toMinutes() + " min"));
                printLatency(metric);
                consumer.drainAndStop(Duration.ofSeconds(30));
                return caughtUp && consumed >= produced.acked && produced.failed == 0;
            }
        }
    }

    /** @param recordLatency a Kinesis record's (an aggregate's) time from the batch producer's buffer to its ack */
    private record Produced(long acked, long failed, long kinesisRecords, ProducerMetrics.Latency recordLatency) {}

    private Produced produce(AwsClients clients, AggregationConfig aggregation) throws Exception {
        AtomicLong sentCount = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        GeneratorConfig generator = GeneratorConfig.builder()
                .seed(options.seed())
                .eventsPerSecond(options.rate())
                .maxEvents((long) options.rate() * Math.max(1, options.duration().toSeconds()))
                .build();
        ProducerStack stack = ProducerStack.open(clients, ProducerConfig.builder(LocalRun.STREAM).build(),
                aggregation);
        try (RecordProducer producer = stack.producer();
             GeneratorSource source = new GeneratorSource(generator)) {
            source.run(event -> {
                countSent(event);
                sentCount.incrementAndGet();
                producer.send(event).whenComplete((result, failure) ->
                        (failure == null ? acked : failed).incrementAndGet());
            });
            producer.flush();
            // Completions run on SDK threads after flush() returns: wait until every send has its outcome.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acked.get() + failed.get() < sentCount.get() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return new Produced(acked.get(), sentCount.get() - acked.get(),
                    stack.kinesis().metrics().recordsAcknowledged(), producer.metrics().recordLatency());
        }
    }

    private void countSent(byte[] event) {
        try {
            JsonNode node = JSON.readTree(event);
            long ts = node.get("ts").asLong();
            lastEventTime.accumulateAndGet(ts, Math::max);
            Instant start = Instant.ofEpochMilli(ts).truncatedTo(ChronoUnit.MINUTES);
            sent.computeIfAbsent(new WindowKey(start, node.get("type").asText()), k -> new LongAdder()).increment();
        } catch (IOException e) {
            throw new IllegalStateException("the generator wrote an event that is not JSON", e);
        }
    }

    private void pollResults(ResultsQuery query, EngineConfig engine) {
        Instant from = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Instant now = Instant.now();
                for (MergedResult result : query.merged(engine, MetricSpec.EVENTS_PER_MINUTE, from,
                        now.plus(Duration.ofMinutes(1)), Map.of())) {
                    WindowKey key = new WindowKey(result.windowStart(), result.key().get("type"));
                    LongAdder expected = sent.get(key);
                    long count = ((Number) result.values().get("count")).longValue();
                    lastSeen.put(key, count);
                    if (expected != null && count == expected.sum()) {
                        visible.putIfAbsent(key, now);
                    }
                }
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                err.println("rtpipe bench pipeline: reading results failed (" + e.getMessage() + "); retrying");
            }
        }
    }

    private void printLatency(MetricSpec metric) {
        Instant lastEvent = Instant.ofEpochMilli(lastEventTime.get());
        List<Double> latencies = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (WindowKey key : sent.keySet()) {
            Instant closes = key.windowStart().plus(Duration.ofMinutes(1)).plus(metric.allowedLateness());
            if (!closes.isBefore(lastEvent)) {
                continue; // closes only when the input is drained: not a latency a live stream sees
            }
            Instant seen = visible.get(key);
            if (seen == null) {
                missing.add(key.type() + "@" + key.windowStart() + " " + lastSeen.getOrDefault(key, 0L) + " of "
                        + sent.get(key).sum());
            } else {
                latencies.add(Duration.between(closes, seen).toMillis() / 1000.0);
            }
        }
        if (latencies.isEmpty()) {
            out.println(missing.isEmpty()
                    ? "latency   no window closed during the run; run for at least 70 s"
                    : "latency   no closed window reached the count sent (counted of sent): " + missing);
            return;
        }
        latencies.sort(Double::compare);
        out.printf("latency   window close (end + %d s lateness) -> merged result visible in DynamoDB, %d "
                        + "window-keys: p50 %.1f s, p99 %.1f s, max %.1f s (polled every %d ms)%s%n",
                metric.allowedLateness().toSeconds(), latencies.size(), percentile(latencies, 0.50),
                percentile(latencies, 0.99), latencies.get(latencies.size() - 1), POLL.toMillis(),
                missing.isEmpty() ? "" : "; never matched the count sent (counted of sent): " + missing);
    }

    /**
     * The consumer's line. The rate counts acknowledged events, not records read: a put that timed out on the client
     * but was stored, and the retry of one whose acknowledgement was lost, put copies in the stream, which the
     * consumer reads (and counts once); counting them would report more events through than were sent.
     */
    static String consumedLine(long consumed, long acknowledged, long late, long deadLetters, double catchUpSeconds,
                               double totalSeconds) {
        long extra = consumed - acknowledged;
        return String.format("consumed  %,d events (%,d late, %,d dead letters%s), caught up %.1f s after the last put: "
                        + "%,.0f events/s sustained end to end (acknowledged events, first put to caught up)",
                consumed, late, deadLetters,
                extra > 0 ? String.format("; %,d more than acknowledged: copies of retried puts", extra) : "",
                catchUpSeconds, acknowledged / totalSeconds);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
