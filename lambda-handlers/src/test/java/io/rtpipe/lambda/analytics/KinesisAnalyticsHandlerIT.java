package io.rtpipe.lambda.analytics;

import com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.events.TimeWindowEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.TimeWindow;
import io.rtpipe.connectors.dynamodb.Finality;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.dynamodb.ResultsTable;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.aggregation.PackedRecord;
import io.rtpipe.producer.aggregation.RecordAggregator;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handler on the sandbox (the emulators by default), invoked the way Lambda's event source mapping would: real
 * records put into the stream (a quarter of the events KPL-aggregated by rtpipe's producer) and read back per shard,
 * delivered in batches of 100 within two tumbling windows per shard, one batch delivered twice (a retry after a lost response). Results in DynamoDB and the archive in S3 are compared with what
 * the test itself put.
 */
@ExtendWith(SandboxExtension.class)
class KinesisAnalyticsHandlerIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final List<String> TYPES = List.of("click", "view", "purchase", "signup");
    private static final int EVENTS = 1200;
    private static final int BATCH = 100;
    /** The Lambda window every invocation reports (the handler judges windows by event time, not by this). */
    private static final TimeWindow WINDOW = new TimeWindow("2024-05-01T12:00:00Z", "2024-05-01T12:01:00Z");

    @Test
    void batchesOfRealRecordsOverTwoWindowsPerShardGiveExactResultsAndAnExactlyOnceArchive(LocalAws aws)
            throws Exception {
        String stream = unique("lambda");
        String bucket = unique("lambda");
        String table = unique("lambda-results");
        aws.createStream(stream, 2);
        aws.createBucket(bucket);
        var clients = aws.clients();
        try (var dynamoDb = clients.dynamoDb(); var s3 = clients.s3(); var kinesis = clients.kinesisAsync()) {
            ResultsTable.createIfMissing(dynamoDb, table);

            // 4 minutes of events in time order, so none is late on any shard; the ground truth is counted here.
            var random = new Random(5);
            Map<String, Long> expected = new TreeMap<>();
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                Instant ts = T0.plusMillis(i * 200L);
                String type = TYPES.get(random.nextInt(TYPES.size()));
                payloads.add(("{\"type\":\"" + type + "\",\"ts\":" + ts.toEpochMilli() + ",\"n\":" + i + "}")
                        .getBytes(StandardCharsets.UTF_8));
                expected.merge(ts.truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + " " + type, 1L, Long::sum);
            }
            // The first 900 events one per Kinesis record, the last 300 packed by rtpipe's producer (KPL format).
            List<String> put = put(kinesis, stream, payloads.subList(0, 900));
            put.addAll(putAggregated(kinesis, stream, payloads.subList(900, payloads.size())));

            var settings = new AnalyticsSettings(table, bucket, null, AnalyticsSettings.DEFAULT_MAX_STATE_BYTES,
                    AnalyticsSettings.DEFAULT_RESULT_RETENTION, "us-east-1", null);
            var handler = new KinesisAnalyticsHandler(settings, clients, EngineConfig.defaults(),
                    new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200)));
            String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
            int invocations = 0;
            for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).join().shards()) {
                List<Record> records = MappingEvents.readShard(kinesis, stream, shard.shardId());
                // Two Lambda windows per shard: the first half of its batches, then the rest.
                List<List<Record>> batches = new ArrayList<>();
                for (int from = 0; from < records.size(); from += BATCH) {
                    batches.add(records.subList(from, Math.min(from + BATCH, records.size())));
                }
                int half = batches.size() / 2;
                for (List<List<Record>> window : List.of(batches.subList(0, half), batches.subList(half, batches.size()))) {
                    Map<String, String> state = Map.of();
                    for (int b = 0; b < window.size(); b++) {
                        KinesisTimeWindowEvent event = MappingEvents.event(arn, shard.shardId(), window.get(b),
                                WINDOW, state, false);
                        TimeWindowEventResponse response = handler.handleRequest(event, null);
                        invocations++;
                        assertThat(response.getBatchItemFailures()).isEmpty();
                        if (b == 0) {
                            // Lambda did not get the response: it delivers the batch again with the same state.
                            TimeWindowEventResponse again = handler.handleRequest(event, null);
                            invocations++;
                            assertThat(again.getState()).isEqualTo(response.getState());
                        }
                        state = response.getState();
                    }
                    TimeWindowEventResponse last = handler.handleRequest(
                            MappingEvents.event(arn, shard.shardId(), List.of(), WINDOW, state, true), null);
                    invocations++;
                    assertThat(last.getState()).isEmpty();
                }
            }
            System.out.printf("%d user records in %d invocations%n", put.size(), invocations);

            Map<String, Long> actual = new TreeMap<>();
            new ResultsQuery(dynamoDb, s3, table).merged(EngineConfig.defaults(), MetricSpec.EVENTS_PER_MINUTE,
                    T0.minusSeconds(3600), T0.plusSeconds(3600), Map.of()).forEach(r -> actual.put(
                    r.windowStart() + " " + r.key().get("type"), ((Number) r.values().get("count")).longValue()));
            assertThat(actual).isEqualTo(expected);

            var archive = new IntervalReader(s3, bucket);
            assertThat(archive.lines(IntervalKind.RAW, stream))
                    .map(line -> line.shardId() + "/" + line.sequenceNumber() + "/" + line.subSequenceNumber())
                    .containsExactlyInAnyOrderElementsOf(put);
            assertThat(archive.lines(IntervalKind.DEADLETTER, stream)).isEmpty();
            assertThat(archive.lines(IntervalKind.LATE, stream)).isEmpty();
        }
    }

    /**
     * Three Lambda windows over one shard, the watermark carried between them through the shard's marks: after each
     * window's final invocation the windows its mark covers are final by {@link Finality} over ListShards (what
     * {@code rtpipe query} shows), with the counts this test makes of the shard's events under the documented
     * lateness rule run continuously over the shard; an event late only with respect to an earlier Lambda window
     * is in late/ and not counted; a window of one invocation that Lambda retries after it stored its mark writes
     * the same results again.
     */
    @Test
    void theWatermarkRunsOnAcrossLambdaWindowsAndTheMarksMakeWindowsFinal(LocalAws aws) throws Exception {
        String stream = unique("lambda-marks");
        String bucket = unique("lambda-marks");
        String table = unique("lambda-marks");
        aws.createStream(stream, 1);
        aws.createBucket(bucket);
        var clients = aws.clients();
        try (var dynamoDb = clients.dynamoDb(); var s3 = clients.s3(); var kinesis = clients.kinesisAsync()) {
            ResultsTable.createIfMissing(dynamoDb, table);
            // Lambda window 1: 12:00:00..12:01:29. Window 2: 12:00:30 (late: window 1 saw 12:01:29, lateness 5 s),
            // then 12:01:30..12:02:29. Window 3, a single invocation: 12:02:30..12:03:29.
            List<Long> times = new ArrayList<>();
            for (int s = 0; s < 90; s++) {
                times.add(T0.plusSeconds(s).toEpochMilli());
            }
            long lateTs = T0.plusSeconds(30).toEpochMilli();
            times.add(lateTs);
            for (int s = 90; s < 210; s++) {
                times.add(T0.plusSeconds(s).toEpochMilli());
            }
            var random = new Random(11);
            List<byte[]> payloads = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (int i = 0; i < times.size(); i++) {
                types.add(TYPES.get(random.nextInt(TYPES.size())));
                payloads.add(("{\"type\":\"" + types.get(i) + "\",\"ts\":" + times.get(i) + ",\"event_id\":\"e" + i
                        + "\"}").getBytes(StandardCharsets.UTF_8));
            }
            put(kinesis, stream, payloads);
            String shardId = kinesis.listShards(b -> b.streamName(stream)).join().shards().get(0).shardId();
            List<Record> records = MappingEvents.readShard(kinesis, stream, shardId);
            assertThat(records).hasSize(times.size());

            var settings = new AnalyticsSettings(table, bucket, null, AnalyticsSettings.DEFAULT_MAX_STATE_BYTES,
                    AnalyticsSettings.DEFAULT_RESULT_RETENTION, "us-east-1", null);
            var handler = new KinesisAnalyticsHandler(settings, clients, EngineConfig.defaults(),
                    new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200)));
            String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
            var query = new ResultsQuery(dynamoDb, s3, table);

            // Window 1 in three batches and an empty final invocation.
            deliverWindow(handler, arn, shardId, List.of(records.subList(0, 30), records.subList(30, 60),
                    records.subList(60, 90)));
            assertFinalThrough(kinesis, query, stream, T0.plusSeconds(60), payloadsOf(records.subList(0, 90)));

            // Window 2 in two batches: its first event belongs to a window the mark of window 1 covers.
            deliverWindow(handler, arn, shardId, List.of(records.subList(90, 120), records.subList(120, 151)));
            assertFinalThrough(kinesis, query, stream, T0.plusSeconds(120), payloadsOf(records.subList(0, 151)));
            var archive = new IntervalReader(s3, bucket);
            assertThat(archive.lines(IntervalKind.LATE, stream)).singleElement()
                    .satisfies(line -> assertThat(line.sequenceNumber()).isEqualTo(records.get(90).sequenceNumber()));

            // Window 3: one invocation, first and final; Lambda retries it after its results and mark were stored
            // (e.g. a timeout), with the same records and the empty state it came with.
            KinesisTimeWindowEvent single = MappingEvents.event(arn, shardId, records.subList(151, records.size()),
                    WINDOW, Map.of(), true);
            assertThat(handler.handleRequest(single, null).getBatchItemFailures()).isEmpty();
            List<WindowResult> firstWrite = query.partials(MetricSpec.EVENTS_PER_MINUTE, T0, T0.plusSeconds(3600),
                    Map.of());
            assertThat(handler.handleRequest(single, null).getBatchItemFailures()).isEmpty();
            assertThat(query.partials(MetricSpec.EVENTS_PER_MINUTE, T0, T0.plusSeconds(3600), Map.of()))
                    .usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(firstWrite);
            assertFinalThrough(kinesis, query, stream, T0.plusSeconds(180), payloadsOf(records));
            assertThat(archive.lines(IntervalKind.LATE, stream)).as("late, still only the event of window 2")
                    .hasSize(1);
        }
    }

    /** One Lambda window: the batches, state carried, then the final invocation without records. */
    private static void deliverWindow(KinesisAnalyticsHandler handler, String arn, String shardId,
                                      List<List<Record>> batches) {
        Map<String, String> state = Map.of();
        for (List<Record> batch : batches) {
            TimeWindowEventResponse response = handler.handleRequest(
                    MappingEvents.event(arn, shardId, batch, WINDOW, state, false), null);
            assertThat(response.getBatchItemFailures()).isEmpty();
            state = response.getState();
        }
        assertThat(handler.handleRequest(MappingEvents.event(arn, shardId, List.of(), WINDOW, state, true), null)
                .getState()).isEmpty();
    }

    /**
     * Read as {@code rtpipe query} reads: the marks, then the results; every window ending at or before
     * {@code through} is final and its counts are the test's own, no later window is final.
     */
    private static void assertFinalThrough(KinesisAsyncClient kinesis, ResultsQuery query, String stream,
                                           Instant through, List<String> delivered) {
        List<String> shards = kinesis.listShards(b -> b.streamName(stream)).join().shards().stream()
                .map(Shard::shardId).toList();
        var finality = new Finality(shards, query.firedThrough(MetricSpec.EVENTS_PER_MINUTE));
        Map<String, Long> finalCounts = new TreeMap<>();
        query.merged(EngineConfig.defaults(), MetricSpec.EVENTS_PER_MINUTE, T0.minusSeconds(3600),
                T0.plusSeconds(3600), Map.of()).forEach(r -> {
                    if (finality.isFinal(r.windowEnd())) {
                        finalCounts.put(r.windowStart() + " " + r.key().get("type"),
                                ((Number) r.values().get("count")).longValue());
                    } else {
                        assertThat(r.windowEnd()).as("a window ending after the mark").isAfter(through);
                    }
                });
        assertThat(finality.isFinal(through)).as("final through %s", through).isTrue();
        assertThat(finality.isFinal(through.plusSeconds(60))).as("final after %s", through).isFalse();
        Map<String, Long> expected = new TreeMap<>(countedByTheLatenessRule(delivered));
        expected.keySet().removeIf(k -> !Instant.parse(k.substring(0, k.indexOf(' '))).isBefore(through));
        assertThat(finalCounts).isEqualTo(expected);
    }

    private static List<String> payloadsOf(List<Record> records) {
        return records.stream().map(r -> r.data().asUtf8String()).toList();
    }

    /**
     * Count per (minute, type) of the shard's events in shard order, leaving out an event whose minute ended at or
     * before (highest event time seen before it on the shard − 5 s): the documented lateness rule, by hand.
     */
    private static Map<String, Long> countedByTheLatenessRule(List<String> payloads) {
        Map<String, Long> counts = new TreeMap<>();
        long maxSeen = Long.MIN_VALUE;
        for (String payload : payloads) {
            long ts = Long.parseLong(payload.replaceAll(".*\"ts\":(\\d+).*", "$1"));
            String type = payload.replaceAll(".*\"type\":\"([a-z]+)\".*", "$1");
            long minute = Math.floorDiv(ts, 60_000) * 60_000;
            if (maxSeen == Long.MIN_VALUE || minute + 60_000 > maxSeen - 5_000) {
                counts.merge(Instant.ofEpochMilli(minute) + " " + type, 1L, Long::sum);
            }
            maxSeen = Math.max(maxSeen, ts);
        }
        return counts;
    }

    /** PutRecords in order; returns "shardId/sequenceNumber" of each record. */
    private static List<String> put(KinesisAsyncClient kinesis, String stream, List<byte[]> payloads) {
        List<String> positions = new ArrayList<>();
        for (int from = 0; from < payloads.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(from + 500, payloads.size()); i++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + (i % 16))
                        .data(SdkBytes.fromByteArray(payloads.get(i))).build());
            }
            for (PutRecordsResultEntry result : kinesis.putRecords(b -> b.streamName(stream).records(entries)).join()
                    .records()) {
                assertThat(result.errorCode()).as("kinesis-mock enforces no limits").isNull();
                positions.add(result.shardId() + "/" + result.sequenceNumber() + "/0");
            }
        }
        return positions;
    }

    /** Packs the payloads with the producer's KPL-format aggregator and puts the aggregates; returns member positions. */
    private static List<String> putAggregated(KinesisAsyncClient kinesis, String stream, List<byte[]> payloads) {
        var aggregator = new RecordAggregator<Integer>(
                AggregationConfig.builder().maxRecordBytes(8 * 1024).hashBuckets(32).build());
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            aggregator.add("agg-" + (i % 16), payloads.get(i), i, 0L, packed::add);
        }
        aggregator.drainAll(packed::add);
        List<String> positions = new ArrayList<>();
        for (PackedRecord<Integer> record : packed) {
            var result = kinesis.putRecord(b -> b.streamName(stream).partitionKey(record.partitionKey())
                    .data(SdkBytes.fromByteArray(record.data()))).join();
            for (int member = 0; member < record.members().size(); member++) {
                positions.add(result.shardId() + "/" + result.sequenceNumber() + "/" + member);
            }
        }
        assertThat(packed.size()).as("several events per Kinesis record").isLessThan(payloads.size() / 4);
        return positions;
    }
}
