package io.rtpipe.core.task;

import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.testing.CheckpointStep;
import io.rtpipe.core.testing.EngineTestDriver;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shard's fired-through mark on the built-in metric (1-minute windows, 5 s lateness): it is the watermark, stored
 * only after the results it covers, and a window ending at or below it never changes on that shard afterwards.
 */
class FiredThroughMarksTest {
    private static final String METRIC = MetricSpec.EVENTS_PER_MINUTE;
    private static final long MINUTE = 60_000;

    private static String event(long ts, int id) {
        return "{\"ts\":" + ts + ",\"type\":\"t" + (id % 3) + "\",\"event_id\":\"e" + id + "\"}";
    }

    @Test
    void theMarkIsTheWatermarkOnceTheResultsItCoversAreWrittenAndEverythingAtTheEnd() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, 1));
        driver.writeResults("s");
        assertThat(driver.firedThroughMarks("s")).as("nothing fired: no mark written yet").isEmpty();

        driver.send("s", event(70_000, 2));                     // watermark 65 s: [0, 60 s) fires
        driver.writeResults("s");
        assertThat(driver.firedThroughMarks("s")).isEqualTo(Map.of(METRIC, 65_000L));

        driver.send("s", event(100_000, 3));                    // watermark 95 s, nothing fires
        driver.writeResults("s");
        assertThat(driver.firedThroughMarks("s")).as("unchanged until a checkpoint").containsEntry(METRIC, 65_000L);
        driver.checkpoint("s");
        assertThat(driver.firedThroughMarks("s")).containsEntry(METRIC, 95_000L);

        driver.finishAll();
        assertThat(driver.firedThroughMarks("s")).containsEntry(METRIC, ShardEngine.FIRED_EVERYTHING);
    }

    @Test
    void aFailedResultsWriteLeavesTheMarkWhereItWas() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, 1));
        driver.send("s", event(70_000, 2));
        driver.checkpoint("s");
        driver.send("s", event(130_000, 3));                    // [60 s, 120 s) fires
        driver.failDuringCheckpoint("s", CheckpointStep.RESULTS_WRITTEN);

        assertThat(driver.firedThroughMarks("s")).containsEntry(METRIC, 65_000L);
        driver.checkpoint("s");
        assertThat(driver.firedThroughMarks("s")).containsEntry(METRIC, 125_000L);
    }

    @Test
    void anIdleAdvanceMovesTheMark() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, 1));
        driver.idle("s", Duration.ofMinutes(1), Map.of());                     // highest 70 s, watermark 65 s
        assertThat(driver.firedThroughMarks("s")).containsEntry(METRIC, 65_000L);
    }

    /**
     * Random disordered events on two shards, results written, checkpoints and crashes in random order: whatever a
     * shard had stored for a window ending at or below its mark (an item or none) is what it holds at the end.
     */
    @RepeatedTest(30)
    void whatAMarkCoversNeverChangesAfterwards() {
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        var driver = new EngineTestDriver();
        List<String> shards = List.of("a", "b");
        Map<EngineTestDriver.ResultKey, WindowResult> frozen = new HashMap<>();
        Map<String, Set<Long>> frozenEmpty = new HashMap<>();
        Map<String, Long> highestMark = new HashMap<>();
        long[] time = {0, 0};
        for (int i = 0; i < 400; i++) {
            int s = random.nextInt(2);
            String shard = shards.get(s);
            time[s] += random.nextInt(4_000);
            long ts = Math.max(0, time[s] - random.nextInt(8_000));   // up to 8 s out of order: some are late
            driver.send(shard, event(ts, i));
            switch (random.nextInt(10)) {
                case 0 -> driver.writeResults(shard);
                case 1 -> driver.checkpoint(shard);
                case 2 -> driver.crash(shard);
                default -> {
                }
            }
            freeze(driver, shard, frozen, frozenEmpty);
            Long mark = driver.firedThroughMarks(shard).get(METRIC);
            if (mark != null) {
                highestMark.merge(shard, mark, Math::max);
            }
        }
        driver.finishAll();
        Map<EngineTestDriver.ResultKey, WindowResult> end = driver.storedResults();
        frozen.forEach((key, value) -> assertThat(end.get(key)).as("seed %d: %s", seed, key).isEqualTo(value));
        frozenEmpty.forEach((shard, starts) -> end.keySet().stream().filter(k -> k.shardId().equals(shard))
                .forEach(k -> assertThat(starts).as("seed %d: shard %s wrote window %s after its mark covered it",
                        seed, shard, k.windowStart()).doesNotContain(k.windowStart().toEpochMilli())));
        // Nor a new key in a covered window: every item at or below a mark the run saw was there when it was seen.
        end.forEach((key, value) -> {
            Long covered = highestMark.get(key.shardId());
            if (covered != null && value.windowEnd().toEpochMilli() <= covered) {
                assertThat(frozen).as("seed %d: %s written after a mark covered it", seed, key).containsKey(key);
            }
        });
        assertThat(driver.conflictingWrites()).isEmpty();
    }

    /** Records what the shard's mark covers now: its items of windows ending at or below it, and its empty windows. */
    private static void freeze(EngineTestDriver driver, String shard, Map<EngineTestDriver.ResultKey, WindowResult> frozen,
                               Map<String, Set<Long>> frozenEmpty) {
        Long mark = driver.firedThroughMarks(shard).get(METRIC);
        if (mark == null) {
            return;
        }
        Set<Long> withItems = new HashSet<>();
        driver.storedResults().forEach((key, value) -> {
            if (key.shardId().equals(shard) && value.windowEnd().toEpochMilli() <= mark) {
                frozen.putIfAbsent(key, value);
                withItems.add(key.windowStart().toEpochMilli());
            }
        });
        for (long start = 0; start + MINUTE <= mark; start += MINUTE) {
            if (!withItems.contains(start)) {
                frozenEmpty.computeIfAbsent(shard, s -> new HashSet<>()).add(start);
            }
        }
    }
}
