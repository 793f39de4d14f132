package io.rtpipe.core.task;

import io.rtpipe.core.checkpoint.IdleAdvance;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.spec.SpecLoader;
import io.rtpipe.core.testing.CheckpointStep;
import io.rtpipe.core.testing.EngineTestDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idle watermark on the built-in metric (1-minute windows, 5 s lateness): a shard that stops receiving records
 * still closes its open window and keeps moving its mark after, a shard that never received one takes the start the
 * caller gives (none given: no decision), and a restart decides lateness as the first run did.
 */
class IdleAdvanceTest {
    private static final Duration IDLE = Duration.ofMinutes(1);
    private static final long MINUTE = 60_000;
    /** No start times: a shard with event times needs none. */
    private static final Map<String, Long> NONE = Map.of();
    /** The start an empty shard is given (the adapter's choice, e.g. the other shards' lowest mark): 140 s. */
    private static final Map<String, Long> START = Map.of("events_per_minute", 140_000L);

    private static String event(long ts, String type, int id) {
        return "{\"ts\":" + ts + ",\"type\":\"" + type + "\",\"event_id\":\"e" + id + "\"}";
    }

    private static List<String> summary(List<MergedResult> results) {
        return results.stream().map(r -> r.windowStart().toEpochMilli() / MINUTE + "/" + r.key().get("type") + "="
                + r.values().get("count")).toList();
    }

    @Test
    void anIdleShardClosesItsOpenWindowWithoutAnotherRecord() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.send("s", event(20_000, "click", 2));
        driver.writeResults("s");
        assertThat(driver.mergedResults()).as("the window is open: nothing after it was seen").isEmpty();

        assertThat(driver.idle("s", IDLE, NONE)).isTrue();

        // Highest time 20 s + 60 s idle = 80 s, watermark 75 s >= 60 s: window [0, 60 s) fired and is written.
        assertThat(summary(driver.mergedResults())).containsExactly("0/click=2");
    }

    @Test
    void aRecordForAWindowTheIdleAdvanceClosedIsLate() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.idle("s", IDLE, NONE);
        var late = driver.send("s", event(30_000, "click", 2));   // window [0, 60 s) closed by the advance
        driver.send("s", event(65_000, "view", 3));               // watermark 65 s, window [60 s, 120 s) is open
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("0/click=1", "1/view=1");
        assertThat(driver.lateRecords("s")).extracting(LateRecord::record).containsExactly(late);
    }

    @Test
    void anIdleShardWithNothingOpenKeepsAdvancingAndMarksIt() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.idle("s", IDLE, NONE);                               // fires [0, 60 s); highest 70 s
        assertThat(driver.engine("s").stats().openWindows()).isZero();
        assertThat(driver.idle("s", IDLE, NONE)).isTrue();          // nothing open: highest 130 s all the same
        assertThat(driver.firedThroughMarks("s")).containsEntry("events_per_minute", 125_000L);

        var late = driver.send("s", event(61_000, "view", 2));     // window [60 s, 120 s) ended below 125 s
        driver.send("s", event(121_000, "view", 3));
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("0/click=1", "2/view=1");
        assertThat(driver.lateRecords("s")).extracting(LateRecord::record).containsExactly(late);
    }

    @Test
    void aQuietShardNoLongerHoldsBackAWindowWhoseEventsAreAllOnAnotherShard() {
        var driver = new EngineTestDriver();
        driver.send("a", event(30_000, "click", 1));               // a's last event
        for (int i = 0; i < 10; i++) {
            driver.send("b", event(30_000 + i * 30_000L, "view", 100 + i));   // b runs on to 300 s
        }
        driver.writeResults("b");
        driver.idle("a", IDLE, NONE);                               // 90 s: fires [0, 60 s)
        driver.idle("a", IDLE, NONE);                               // 150 s, nothing open
        driver.idle("a", IDLE, NONE);                               // 210 s

        // Window [60 s, 120 s) holds only b's events; a's mark (205 s) and b's (295 s) are both past its end.
        assertThat(driver.firedThroughMarks("a")).containsEntry("events_per_minute", 205_000L);
        assertThat(driver.firedThroughMarks("b")).containsEntry("events_per_minute", 295_000L);
        var progress = driver.engine("a").idleProgress();
        assertThat(progress.idleAdvances()).as("one decision per record, the latest: not one per idle period")
                .containsExactly(new IdleAdvance(driver.stream("a").get(0).position(),
                        Map.of("events_per_minute", 210_000L)));
    }

    @Test
    void aShardThatReadNoRecordTakesNoDecisionWithoutAStart() {
        var driver = new EngineTestDriver();
        assertThat(driver.idle("empty", IDLE, NONE)).isTrue();
        assertThat(driver.firedThroughMarks("empty")).as("no mark: nothing moved").isEmpty();
        assertThat(driver.engine("empty").idleProgress().idleAdvances()).as("no decision stored").isEmpty();

        driver.send("empty", event(10_000, "click", 1));              // a backfill after it counts in full
        driver.finishAll();
        assertThat(summary(driver.mergedResults())).containsExactly("0/click=1");
        assertThat(driver.lateRecords("empty")).isEmpty();
    }

    @Test
    void aShardThatReadNoRecordTakesTheGivenStartAndAnOlderRecordIsLate() {
        var driver = new EngineTestDriver();
        assertThat(driver.idle("empty", IDLE, START)).isTrue();     // highest 140 s, watermark 135 s
        assertThat(driver.firedThroughMarks("empty")).containsEntry("events_per_minute", 135_000L);
        var start = driver.engine("empty").idleProgress();
        assertThat(start.checkpoint()).isNull();
        assertThat(start.idleAdvances()).containsExactly(
                new IdleAdvance(null, Map.of("events_per_minute", 140_000L)));

        var late = driver.send("empty", event(100_000, "click", 1)); // [60 s, 120 s) ended at or below 135 s
        driver.send("empty", event(130_000, "click", 2));            // [120 s, 180 s) is open
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("2/click=1");
        assertThat(driver.lateRecords("empty")).extracting(LateRecord::record).containsExactly(late);
    }

    @Test
    void onlyTheMetricsGivenAStartTakeOneTheOthersStayWithoutATime() {
        var driver = new EngineTestDriver(SpecLoader.standard().parse("two.yaml", """
                metrics:
                  - name: a
                    window: {type: tumbling, size: 1m}
                    aggregates: [{name: n, fn: count}]
                  - name: b
                    window: {type: tumbling, size: 1m}
                    aggregates: [{name: n, fn: count}]
                """));
        assertThat(driver.idle("empty", IDLE, Map.of("a", 140_000L))).isTrue();
        assertThat(driver.firedThroughMarks("empty")).isEqualTo(Map.of("a", 135_000L));
        assertThat(driver.engine("empty").idleProgress().idleAdvances())
                .containsExactly(new IdleAdvance(null, Map.of("a", 140_000L)));

        driver.send("empty", event(10_000, "click", 1));   // late for a, counted for b
        driver.finishAll();
        assertThat(driver.mergedResults()).extracting(MergedResult::metric).containsExactly("b");
        assertThat(driver.lateRecords("empty")).extracting(LateRecord::metric).containsExactly("a");
    }

    @Test
    void aRestartRepeatsTheStartOfAShardThatReadNoRecord() {
        var driver = new EngineTestDriver();
        driver.crashDuringIdle("empty", IDLE, START, CheckpointStep.PROGRESS_STORED);
        // The restart reads the start entry: the decision before any record, not the caller's start again.
        assertThat(driver.restarts("empty")).isEqualTo(1);
        assertThat(driver.engine("empty").firedThrough()).containsEntry("events_per_minute", 135_000L);

        var late = driver.send("empty", event(100_000, "click", 1));
        driver.crash("empty");                                       // replays the record after the decision
        driver.send("empty", event(130_000, "click", 2));
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("2/click=1");
        assertThat(driver.lateRecords("empty")).extracting(LateRecord::record).containsExactly(late);
        assertThat(driver.conflictingWrites()).isEmpty();
    }

    @Test
    void theDecisionIsStoredBeforeItsResultsAndARestartRepeatsIt() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.crashDuringIdle("s", IDLE, NONE, CheckpointStep.PROGRESS_STORED);
        assertThat(driver.storedResults()).as("no result is written before its decision is stored").isEmpty();

        // No KCL checkpoint yet: the restart replays from the shard's start and repeats the stored decision after
        // the record it followed, so this record is late exactly as it is in the run without a crash.
        var late = driver.send("s", event(30_000, "click", 2));
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("0/click=1");
        assertThat(driver.lateRecords("s")).extracting(LateRecord::record).containsExactly(late);
        assertThat(driver.conflictingWrites()).isEmpty();
    }

    @Test
    void aDecisionAfterTheCheckpointIsReplayedAtItsRecord() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.send("s", event(70_000, "view", 2));                // fires [0, 60 s)
        assertThat(driver.checkpoint("s")).isTrue();                // at the 10 s record: [60 s, 120 s) is open
        driver.send("s", event(75_000, "view", 3));
        driver.idle("s", IDLE, NONE);                                    // 135 s: fires [60 s, 120 s)
        var late = driver.send("s", event(100_000, "view", 4));
        driver.crash("s");                                         // replays both view records, the decision, then 100 s
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("0/click=1", "1/view=2");
        assertThat(driver.lateRecords("s")).extracting(LateRecord::record).containsExactly(late);
        assertThat(driver.conflictingWrites()).isEmpty();
    }

    @Test
    void progressListsTheDecisionsAfterItsCheckpoint() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.idle("s", IDLE, NONE);
        var stored = driver.engine("s").idleProgress();

        assertThat(stored.checkpoint()).isNull();
        assertThat(stored.idleAdvances()).hasSize(1);
        assertThat(stored.idleAdvances().get(0).after()).isEqualTo(driver.stream("s").get(0).position());
        assertThat(stored.idleAdvances().get(0).maxTimes()).isEqualTo(Map.of("events_per_minute", 70_000L));
    }
}
