package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.rtpipe.core.metric.MetricSpec.EVENTS_PER_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

/** Event-id de-duplication: each window takes an id once (producer retries repeat the whole event). */
class ShardEngineDedupTest {
    private final Records records = new Records();

    private static ShardEngine engine() {
        return new ShardEngine(EngineConfig.defaults(), "shard-1", ShardProgress.initial());
    }

    private InputRecord event(String id, long ts, String type) {
        return records.raw("{\"event_id\":\"" + id + "\",\"ts\":" + ts + ",\"type\":\"" + type + "\"}");
    }

    private static void feed(ShardEngine engine, InputRecord... input) {
        for (InputRecord record : input) {
            engine.process(record);
        }
    }

    private static List<String> counts(ShardEngine engine) {
        return engine.takeFiredResults().stream()
                .map(r -> r.windowStart().getEpochSecond() + "/" + r.key().get("type") + "/" + r.values().get("count"))
                .toList();
    }

    @Test
    void theBuiltInMetricCountsEachEventIdOncePerWindow() {
        assertThat(MetricSpec.eventsPerMinute().dedupField()).isEqualTo("event_id");
        ShardEngine engine = engine();
        feed(engine, event("a", 1_000, "click"), event("a", 1_000, "click"), event("b", 2_000, "click"),
                event("a", 1_000, "click"), event("b", 2_000, "click"), event("c", 3_000, "view"));
        engine.endOfInput();
        assertThat(counts(engine)).containsExactly("0/click/2", "0/view/1");
        EngineStats stats = engine.stats();
        assertThat(stats.duplicatesDropped()).isEqualTo(3);
        assertThat(stats.deadLettered()).isZero();
        assertThat(stats.lateRecords()).isZero();
        assertThat(engine.planCheckpoint().orElseThrow().archive()).as("duplicates are still archived").hasSize(6);
    }

    @Test
    void theSameIdInAnotherWindowCountsAgainAndIdsAreComparedPerWindowNotPerKey() {
        ShardEngine engine = engine();
        // Same id, another minute: another window, counted. Same id and window but another type: still one id.
        feed(engine, event("a", 1_000, "click"), event("a", 61_000, "click"), event("a", 2_000, "view"));
        engine.endOfInput();
        assertThat(counts(engine)).containsExactly("0/click/1", "60/click/1");
        assertThat(engine.stats().duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void recordsWithoutAUsableIdAreNeverDroppedAndIntegerIdsWork() {
        ShardEngine engine = engine();
        feed(engine,
                records.raw("{\"ts\":1000,\"type\":\"x\"}"), records.raw("{\"ts\":1000,\"type\":\"x\"}"),
                records.raw("{\"event_id\":null,\"ts\":1000,\"type\":\"x\"}"),
                records.raw("{\"event_id\":null,\"ts\":1000,\"type\":\"x\"}"),
                records.raw("{\"event_id\":{\"a\":1},\"ts\":1000,\"type\":\"x\"}"),
                records.raw("{\"event_id\":7,\"ts\":1000,\"type\":\"y\"}"),
                records.raw("{\"event_id\":7,\"ts\":1000,\"type\":\"y\"}"),
                records.raw("{\"event_id\":\"7\",\"ts\":1000,\"type\":\"y\"}")); // a string is another id than 7
        engine.endOfInput();
        assertThat(counts(engine)).containsExactly("0/x/5", "0/y/2");
        assertThat(engine.stats().duplicatesDropped()).isEqualTo(1);
        assertThat(engine.stats().deadLettered()).isZero();
    }

    @Test
    void aCopyArrivingAfterItsWindowFiredIsLateAsUsual() {
        ShardEngine engine = engine();
        InputRecord original = event("a", 1_000, "click");
        InputRecord fires = event("b", 70_000, "click"); // watermark 65 s: window 0 fires
        InputRecord retry = event("a", 1_000, "click");
        feed(engine, original, fires, retry);
        assertThat(counts(engine)).containsExactly("0/click/1");
        assertThat(engine.stats().lateRecords()).isEqualTo(1);
        assertThat(engine.stats().duplicatesDropped()).isZero();
        engine.endOfInput();
        counts(engine);
        assertThat(engine.planCheckpoint().orElseThrow().lateRecords())
                .containsExactly(new LateRecord(retry, EVENTS_PER_MINUTE, Instant.EPOCH));
    }

    @Test
    void idsAreHeldPerOpenWindowAndReleasedWhenItFires() {
        ShardEngine engine = engine();
        feed(engine, event("a", 1_000, "click"), event("b", 2_000, "click"), event("c", 61_000, "view"));
        assertThat(engine.stats().dedupIds()).isEqualTo(3);
        feed(engine, event("d", 66_000, "view")); // window 0 fires
        assertThat(counts(engine)).containsExactly("0/click/2");
        assertThat(engine.stats().dedupIds()).isEqualTo(2);
    }

    @Test
    void aReplayFromTheCheckpointRebuildsTheIdsOfOpenWindows() {
        ShardEngine original = engine();
        InputRecord r1 = event("a", 1_000, "click");
        InputRecord r2 = event("z", 70_000, "click");  // window 0 fires; window 60 s opens
        InputRecord r3 = event("z", 70_000, "click");  // duplicate in the open window
        feed(original, r1, r2, r3);
        assertThat(counts(original)).containsExactly("0/click/1");
        CheckpointPlan plan = original.planCheckpoint().orElseThrow();
        assertThat(plan.checkpointAt()).isEqualTo(r1.position());
        original.commit(plan);
        InputRecord r4 = event("z", 71_000, "click");  // same id again, after the checkpoint
        feed(original, r4);
        original.endOfInput();
        List<String> expected = counts(original);
        assertThat(expected).containsExactly("60/click/1");

        ShardEngine restored = new ShardEngine(EngineConfig.defaults(), "shard-1", plan.progress());
        feed(restored, r2, r3, r4);
        restored.endOfInput();
        assertThat(counts(restored)).isEqualTo(expected);
        assertThat(restored.stats().duplicatesDropped()).isEqualTo(2);
    }

    @Test
    void metricsWithoutADedupFieldCountEveryCopy() {
        ShardEngine engine = new ShardEngine(EngineConfig.builder()
                .metric(MetricSpec.builder(EVENTS_PER_MINUTE).groupBy("type").build()).build(), "s",
                ShardProgress.initial());
        feed(engine, event("a", 1_000, "click"), event("a", 1_000, "click"));
        engine.endOfInput();
        assertThat(counts(engine)).containsExactly("0/click/2");
        assertThat(engine.stats().duplicatesDropped()).isZero();
    }
}
