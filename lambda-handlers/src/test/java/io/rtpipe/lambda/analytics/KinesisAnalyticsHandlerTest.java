package io.rtpipe.lambda.analytics;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.events.TimeWindowEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.result.ResultMerger;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The handler invoked with Lambda's own event JSON (loaded by aws-lambda-java-tests' EventLoader, i.e. the runtime's
 * serialization): two batches and the final invocation of one tumbling window on shard 6, results compared with
 * counts this test computes from the fixtures' payloads itself.
 */
class KinesisAnalyticsHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHARD = "shardId-000000000006";
    private static final long LATENESS_MILLIS = 5_000;

    private final RecordingOutputs outputs = new RecordingOutputs();
    private final KinesisAnalyticsHandler handler = handler(AnalyticsSettings.DEFAULT_MAX_STATE_BYTES);

    private KinesisAnalyticsHandler handler(int maxStateBytes) {
        return new KinesisAnalyticsHandler(new AnalyticsSettings("results", "archive", null, maxStateBytes,
                AnalyticsSettings.DEFAULT_RESULT_RETENTION, "us-east-1", null), EngineConfig.defaults(), outputs);
    }

    private static KinesisTimeWindowEvent load(String name) {
        return EventLoader.loadEvent("events/" + name, KinesisTimeWindowEvent.class);
    }

    private static KinesisTimeWindowEvent withState(KinesisTimeWindowEvent event, Map<String, String> state) {
        event.setState(state);
        return event;
    }

    @Test
    void aWindowOverTwoBatchesWritesExactCountsOnItsFinalInvocation() {
        KinesisTimeWindowEvent batch1 = load("kinesis-window-batch1.json");
        KinesisTimeWindowEvent batch2 = load("kinesis-window-batch2.json");
        assertThat(batch1.getRecords()).hasSize(5);
        assertThat(batch1.getRecords().get(0).getKinesis().getApproximateArrivalTimestamp().toInstant())
                .isEqualTo(Instant.parse("2024-05-01T12:00:01Z"));

        TimeWindowEventResponse r1 = handler.handleRequest(batch1, null);
        assertThat(r1.getBatchItemFailures()).isEmpty();
        assertThat(r1.getState()).containsOnlyKeys(StateCodec.KEY);
        assertThat(outputs.results).as("nothing written before the final invocation").isEmpty();

        TimeWindowEventResponse r2 = handler.handleRequest(withState(batch2, r1.getState()), null);
        assertThat(r2.getBatchItemFailures()).isEmpty();
        TimeWindowEventResponse last = handler.handleRequest(withState(load("kinesis-window-final.json"),
                r2.getState()), null);
        assertThat(last.getBatchItemFailures()).isEmpty();
        assertThat(last.getState()).as("a new window starts with a fresh state").isEmpty();

        List<KinesisEvent.KinesisEventRecord> all = new ArrayList<>(batch1.getRecords());
        all.addAll(batch2.getRecords());
        assertThat(merged(outputs.results.values())).isEqualTo(groundTruth(all));
        assertThat(outputs.results.values()).extracting(WindowResult::shardId).containsOnly(
                SHARD + "@" + batch1.getRecords().get(0).getKinesis().getSequenceNumber());

        // The raw archive of both batches holds every record once; the truncated one is a dead letter.
        List<CheckpointPlan> intervals = List.copyOf(outputs.intervals.values());
        assertThat(outputs.intervals.keySet()).allMatch(k -> k.startsWith("clicks/" + SHARD + "/"));
        assertThat(intervals.stream().flatMap(p -> p.archive().stream()).map(r -> r.position().sequenceNumber()))
                .containsExactlyElementsOf(all.stream().map(r -> r.getKinesis().getSequenceNumber()).toList());
        assertThat(intervals.stream().flatMap(p -> p.deadLetters().stream()))
                .singleElement().satisfies(d -> assertThat(d.reason()).startsWith("not valid JSON"));
        // The watermark is carried between invocations: batch 2's 12:00:30 event comes after batch 1 saw 12:01:10.
        assertThat(intervals.get(1).lateRecords()).singleElement()
                .satisfies(l -> assertThat(l.windowStart()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z")));
    }

    @Test
    void aFailedSinkWriteReportsTheBatchFromItsFirstRecordAndReturnsTheIncomingState() {
        KinesisTimeWindowEvent batch1 = load("kinesis-window-batch1.json");
        TimeWindowEventResponse r1 = handler.handleRequest(batch1, null);
        KinesisTimeWindowEvent batch2 = withState(load("kinesis-window-batch2.json"), r1.getState());

        outputs.failIntervals = true;
        TimeWindowEventResponse failed = handler.handleRequest(batch2, null);
        assertThat(failed.getBatchItemFailures()).extracting(TimeWindowEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(batch2.getRecords().get(0).getKinesis().getSequenceNumber());
        assertThat(failed.getState()).isEqualTo(r1.getState());

        // Lambda retries from that record with that state: the same outputs as if it had never failed.
        outputs.failIntervals = false;
        TimeWindowEventResponse retried = handler.handleRequest(batch2, null);
        assertThat(retried.getBatchItemFailures()).isEmpty();
        outputs.failResults = true;
        KinesisTimeWindowEvent finalInvoke = withState(load("kinesis-window-final.json"), retried.getState());
        assertThatThrownBy(() -> handler.handleRequest(finalInvoke, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(SHARD).hasMessageContaining("Lambda retries this final invocation");
        outputs.failResults = false;
        handler.handleRequest(finalInvoke, null);

        List<KinesisEvent.KinesisEventRecord> all = new ArrayList<>(batch1.getRecords());
        all.addAll(batch2.getRecords());
        assertThat(merged(outputs.results.values())).isEqualTo(groundTruth(all));
        assertThat(outputs.intervals).hasSize(2);
    }

    @Test
    void theFinalInvocationStoresTheShardsMarkAfterTheResultsAndAFailedReadOfItIsRetried() {
        KinesisTimeWindowEvent batch1 = load("kinesis-window-batch1.json");
        KinesisTimeWindowEvent batch2 = load("kinesis-window-batch2.json");
        TimeWindowEventResponse r1 = handler.handleRequest(batch1, null);
        TimeWindowEventResponse r2 = handler.handleRequest(withState(batch2, r1.getState()), null);
        assertThat(outputs.marks).as("no mark before the final invocation").isEmpty();
        handler.handleRequest(withState(load("kinesis-window-final.json"), r2.getState()), null);

        assertThat(outputs.writes.subList(outputs.writes.size() - 2, outputs.writes.size()))
                .containsExactly("results 5", "marks 1");
        List<KinesisEvent.KinesisEventRecord> all = new ArrayList<>(batch1.getRecords());
        all.addAll(batch2.getRecords());
        long maxTs = all.stream().map(KinesisAnalyticsHandlerTest::tsOf).filter(ts -> ts != null)
                .mapToLong(Long::longValue).max().orElseThrow();
        assertThat(outputs.marks.get(SHARD)).containsOnlyKeys("events_per_minute");
        var mark = outputs.marks.get(SHARD).get("events_per_minute");
        assertThat(mark.firedThrough()).as("the watermark").isEqualTo(maxTs - LATENESS_MILLIS);
        assertThat(mark.maxTime()).isEqualTo(maxTs);
        assertThat(mark.runFirst()).isEqualTo(batch1.getRecords().get(0).getKinesis().getSequenceNumber());
        assertThat(mark.runStartMaxTime()).as("the shard had no mark before").isNull();

        // The next window's first invocation cannot read the marks: the batch is retried with the state it came with.
        outputs.failResults = true;
        KinesisTimeWindowEvent nextWindow = withState(load("kinesis-window-batch2.json"), Map.of());
        TimeWindowEventResponse failed = handler.handleRequest(nextWindow, null);
        assertThat(failed.getBatchItemFailures()).extracting(TimeWindowEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(nextWindow.getRecords().get(0).getKinesis().getSequenceNumber());
        assertThat(failed.getState()).isEmpty();
    }

    /** The event time of a fixture record, null if it is not JSON. */
    private static Long tsOf(KinesisEvent.KinesisEventRecord record) {
        try {
            ByteBuffer data = record.getKinesis().getData().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            return JSON.readTree(bytes).get("ts").longValue();
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void withoutATumblingWindowEachBatchIsWrittenAtOnce() {
        KinesisTimeWindowEvent event = load("kinesis-no-window.json");
        assertThat(event.getIsFinalInvokeForWindow()).isNull();
        TimeWindowEventResponse response = handler.handleRequest(event, null);
        assertThat(response.getState()).isEmpty();
        assertThat(merged(outputs.results.values())).isEqualTo(groundTruth(event.getRecords()));
    }

    @Test
    void aStateOverTheLimitFailsWithAMessageNamingTheMetricAndItsKeys() {
        KinesisTimeWindowEvent event = load("kinesis-window-batch1.json");
        // 300 distinct types in one minute: 300 (window, key) partials, far over a 1 KiB limit once compressed.
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            var template = event.getRecords().get(0);
            var record = new KinesisEvent.KinesisEventRecord();
            var kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(String.format("4959033827149025660855969253836157109592157598913659%04d", i));
            kinesis.setPartitionKey("pk");
            kinesis.setApproximateArrivalTimestamp(template.getKinesis().getApproximateArrivalTimestamp());
            kinesis.setData(ByteBuffer.wrap(("{\"type\":\"type-" + i + "-" + Integer.toHexString(i * 7919)
                    + "\",\"ts\":1714564801000}").getBytes(StandardCharsets.UTF_8)));
            record.setKinesis(kinesis);
            records.add(record);
        }
        event.setRecords(records);
        assertThatThrownBy(() -> handler(1_024).handleRequest(event, null))
                .isInstanceOf(StateTooLargeException.class)
                .hasMessageContaining("shard " + SHARD)
                .hasMessageContaining("over the 1024-byte limit")
                .hasMessageContaining("events_per_minute: 300 (window, key) partials");
    }

    @Test
    void aStateFromSomethingElseIsRejectedWithOneSentence() {
        KinesisTimeWindowEvent event = withState(load("kinesis-window-batch2.json"), Map.of("1", "282"));
        assertThatThrownBy(() -> handler.handleRequest(event, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not written by this version of the analytics handler");
    }

    private static Map<String, Long> merged(java.util.Collection<WindowResult> partials) {
        Map<String, Long> counts = new TreeMap<>();
        new ResultMerger(EngineConfig.defaults()).merge(partials).forEach(r -> counts.put(
                r.windowStart() + " " + r.key().get("type"), ((Number) r.values().get("count")).longValue()));
        return counts;
    }

    /**
     * Count per (minute, type) of the valid events, in record order, leaving out an event whose minute ended at or
     * before (highest event time seen before it − 5 s): the documented lateness rule, applied by hand.
     */
    private static Map<String, Long> groundTruth(List<KinesisEvent.KinesisEventRecord> records) {
        Map<String, Long> counts = new TreeMap<>();
        long maxSeen = Long.MIN_VALUE;
        for (KinesisEvent.KinesisEventRecord record : records) {
            JsonNode event;
            try {
                ByteBuffer data = record.getKinesis().getData().duplicate();
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                event = JSON.readTree(bytes);
            } catch (Exception e) {
                continue; // not JSON: a dead letter
            }
            long ts = event.get("ts").longValue();
            long minute = Math.floorDiv(ts, 60_000) * 60_000;
            if (maxSeen == Long.MIN_VALUE || minute + 60_000 > maxSeen - LATENESS_MILLIS) {
                counts.merge(Instant.ofEpochMilli(minute) + " " + event.get("type").asText(), 1L, Long::sum);
            }
            maxSeen = Math.max(maxSeen, ts);
        }
        return counts;
    }
}
