package io.rtpipe.core.task;

import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.testing.CheckpointStep;
import io.rtpipe.core.testing.EngineTestDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idle watermark on the built-in metric (1-minute windows, 5 s lateness): a shard that stops receiving records
 * still closes its open window, and a restart decides lateness as the first run did.
 */
class IdleAdvanceTest {
    private static final Duration IDLE = Duration.ofMinutes(1);
    private static final long MINUTE = 60_000;

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

        assertThat(driver.idle("s", IDLE)).isTrue();

        // Highest time 20 s + 60 s idle = 80 s, watermark 75 s >= 60 s: window [0, 60 s) fired and is written.
        assertThat(summary(driver.mergedResults())).containsExactly("0/click=2");
    }

    @Test
    void aRecordForAWindowTheIdleAdvanceClosedIsLate() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.idle("s", IDLE);
        var late = driver.send("s", event(30_000, "click", 2));   // window [0, 60 s) closed by the advance
        driver.send("s", event(65_000, "view", 3));               // watermark 65 s, window [60 s, 120 s) is open
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("0/click=1", "1/view=1");
        assertThat(driver.lateRecords("s")).extracting(LateRecord::record).containsExactly(late);
    }

    @Test
    void anIdleShardWithNothingOpenKeepsItsWatermark() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.idle("s", IDLE);                                    // fires [0, 60 s); watermark 65 s
        assertThat(driver.idle("s", IDLE)).isTrue();               // nothing open: no advance to 125 s
        driver.send("s", event(61_000, "view", 2));                // window [60 s, 120 s): not late at 65 s
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("0/click=1", "1/view=1");
        assertThat(driver.lateRecords("s")).isEmpty();
    }

    @Test
    void theDecisionIsStoredBeforeItsResultsAndARestartRepeatsIt() {
        var driver = new EngineTestDriver();
        driver.send("s", event(10_000, "click", 1));
        driver.crashDuringIdle("s", IDLE, CheckpointStep.PROGRESS_STORED);
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
        driver.idle("s", IDLE);                                    // 135 s: fires [60 s, 120 s)
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
        driver.idle("s", IDLE);
        var stored = driver.engine("s").idleProgress();

        assertThat(stored.checkpoint()).isNull();
        assertThat(stored.idleAdvances()).hasSize(1);
        assertThat(stored.idleAdvances().get(0).after()).isEqualTo(driver.stream("s").get(0).position());
        assertThat(stored.idleAdvances().get(0).maxTimes()).isEqualTo(Map.of("events_per_minute", 70_000L));
    }
}
