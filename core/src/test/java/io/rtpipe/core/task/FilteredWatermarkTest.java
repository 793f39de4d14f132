package io.rtpipe.core.task;

import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.spec.SpecLoader;
import io.rtpipe.core.testing.CheckpointStep;
import io.rtpipe.core.testing.EngineTestDriver;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A metric's watermark follows every record whose event time it can read, also those its filter rejects (counted
 * nowhere): a shard that sees only other event types still closes and marks the metric's windows.
 */
class FilteredWatermarkTest {
    private static final long MINUTE = 60_000;
    private static final EngineConfig CLICKS = SpecLoader.standard().parse("clicks.yaml", """
            metrics:
              - name: clicks
                filter: "type == 'click'"
                group_by: [page]
                window: {type: tumbling, size: 1m}
                allowed_lateness: 5s
                aggregates:
                  - {name: n, fn: count}
            """);

    private static String event(long ts, String type) {
        return "{\"ts\":" + ts + ",\"type\":\"" + type + "\",\"page\":\"home\"}";
    }

    private static List<String> summary(List<MergedResult> results) {
        return results.stream().map(r -> r.windowStart().toEpochMilli() / MINUTE + "/" + r.key().get("page") + "="
                + r.values().get("n")).toList();
    }

    @Test
    void aShardWithOnlyRejectedRecordsMarksTheMetric() {
        var driver = new EngineTestDriver(CLICKS);
        driver.send("s", event(10_000, "view"));
        driver.send("s", event(130_000, "view"));
        driver.checkpoint("s");                                  // nothing fired: the checkpoint stores the mark

        assertThat(driver.firedThroughMarks("s")).containsEntry("clicks", 125_000L);
        assertThat(driver.mergedResults()).as("rejected records count nowhere").isEmpty();
        assertThat(driver.deadLetters("s")).isEmpty();
    }

    @Test
    void aRejectedRecordClosesTheWindowSoALaterTakenOneIsLate() {
        var driver = new EngineTestDriver(CLICKS);
        driver.send("s", event(10_000, "click"));
        driver.send("s", event(70_000, "view"));                 // watermark 65 s: [0, 60 s) fires
        driver.writeResults("s");
        assertThat(summary(driver.mergedResults())).containsExactly("0/home=1");

        driver.crashDuringCheckpoint("s", CheckpointStep.PROGRESS_STORED);
        var late = driver.send("s", event(30_000, "click"));     // replayed or not, [0, 60 s) is closed
        driver.crash("s");
        driver.finishAll();

        assertThat(summary(driver.mergedResults())).containsExactly("0/home=1");
        assertThat(driver.lateRecords("s")).extracting(LateRecord::record).containsExactly(late);
        assertThat(driver.conflictingWrites()).isEmpty();
    }

    @Test
    void onlyAReadableTimeMovesTheWatermark() {
        var driver = new EngineTestDriver(CLICKS);
        driver.send("s", event(10_000, "click"));
        driver.send("s", "{\"type\":\"view\",\"ts\":\"later\"}");             // rejected, time unreadable: nothing
        driver.send("s", "{\"type\":\"view\"}");                              // rejected, no time: nothing
        assertThat(driver.engine("s").firedThrough()).containsEntry("clicks", 5_000L);

        var noPage = driver.send("s", "{\"type\":\"click\",\"ts\":70000}");  // taken, lacks page: dead letter
        driver.checkpoint("s");
        assertThat(driver.engine("s").firedThrough()).as("its time is readable").containsEntry("clicks", 65_000L);
        assertThat(summary(driver.mergedResults())).containsExactly("0/home=1");
        assertThat(driver.deadLetters("s")).extracting(DeadLetter::record).containsExactly(noPage);
    }
}
