package io.rtpipe.core.testing;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.task.ProgressException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineTestDriverTest {
    private static final long T0 = 1_764_133_200_000L; // 2025-11-26T05:00:00Z

    private static String event(long offsetMillis, String type) {
        return "{\"ts\":" + (T0 + offsetMillis) + ",\"type\":\"" + type + "\"}";
    }

    /** Two shards: shard-a has 3 clicks in minute 0 and 1 in minute 1, shard-b 2 clicks and 1 view in minute 0. */
    private static void sendFirstPart(EngineTestDriver driver) {
        driver.send("shard-a", event(1_000, "click"));
        driver.send("shard-b", event(2_000, "click"));
        driver.send("shard-a", event(30_000, "click"));
        driver.send("shard-b", event(50_000, "view"));
        driver.send("shard-a", event(70_000, "click")); // watermark 65 s: minute 0 fires on shard-a
        driver.send("shard-a", event(10_000, "click")); // late on shard-a
        driver.send("shard-b", event(59_000, "click"));
    }

    private static List<String> counts(EngineTestDriver driver) {
        return driver.mergedResults().stream()
                .map(r -> (r.windowStart().toEpochMilli() - T0) / 1000 + "s/" + r.key().get("type") + "="
                        + r.values().get("count"))
                .toList();
    }

    @Test
    void mergesShardsAfterTheInputEnds() {
        EngineTestDriver driver = new EngineTestDriver();
        sendFirstPart(driver);
        driver.checkpoint("shard-a"); // just before minute 1's first record, the third of shard-a
        driver.finishAll();
        assertThat(counts(driver)).containsExactly("0s/click=4", "0s/view=1", "60s/click=1");
        assertThat(driver.lateRecords("shard-a")).hasSize(1);
        assertThat(driver.archivedRecords("shard-a")).containsExactlyElementsOf(driver.stream("shard-a"));
        assertThat(driver.archive("shard-a").values()).extracting(List::size).containsExactly(2, 2);
        assertThat(driver.mergedResults().get(0)).isInstanceOf(MergedResult.class);
    }

    @ParameterizedTest
    @EnumSource(CheckpointStep.class)
    void crashAtAnyCheckpointStepChangesNothing(CheckpointStep step) {
        EngineTestDriver driver = new EngineTestDriver();
        sendFirstPart(driver);
        driver.crashDuringCheckpoint("shard-a", step);
        driver.crashDuringCheckpoint("shard-b", step);
        assertThat(driver.restarts("shard-a")).isEqualTo(1);
        driver.send("shard-a", event(130_000, "view")); // fires minute 1 on shard-a
        driver.checkpoint("shard-a");
        driver.crash("shard-a");
        driver.finishAll();
        assertThat(counts(driver)).containsExactly("0s/click=4", "0s/view=1", "60s/click=1", "120s/view=1");
        assertThat(driver.conflictingWrites()).isEmpty();
        assertThat(driver.lateRecords("shard-a")).hasSize(1);
        for (String shard : driver.shardIds()) {
            assertThat(driver.archivedRecords(shard)).containsExactlyElementsOf(driver.stream(shard));
            assertThat(driver.isShardEndCheckpointed(shard)).isTrue();
        }
    }

    @Test
    void progressOfKclsCheckpointSurvivesRepeatedCrashesBeforeKclCheckpoints() {
        EngineTestDriver driver = new EngineTestDriver();
        sendFirstPart(driver);
        driver.checkpoint("shard-a");
        var kclCheckpoint = driver.kclCheckpoint("shard-a");
        assertThat(kclCheckpoint).isNotNull();
        driver.send("shard-a", event(200_000, "click"));
        // Progress for a newer checkpoint is stored twice without KCL moving: KCL's own entry must stay restorable.
        driver.crashDuringCheckpoint("shard-a", CheckpointStep.PROGRESS_STORED);
        driver.crashDuringCheckpoint("shard-a", CheckpointStep.PROGRESS_STORED);
        assertThat(driver.kclCheckpoint("shard-a")).isEqualTo(kclCheckpoint);
        driver.finishAll();
        assertThat(counts(driver)).containsExactly("0s/click=4", "0s/view=1", "60s/click=1", "180s/click=1");
    }

    @ParameterizedTest
    @EnumSource(value = CheckpointStep.class, mode = EnumSource.Mode.EXCLUDE, names = "SNAPSHOT_WRITTEN") // none here
    void aFailedStepStopsTheCheckpointAndTheNextOneTakesItWithNothingLost(CheckpointStep step) {
        EngineTestDriver driver = new EngineTestDriver();
        sendFirstPart(driver); // shard-a has fired minute 0: there are results to write and an interval to plan
        assertThat(driver.failDuringCheckpoint("shard-a", step)).isFalse();
        assertThat(driver.kclCheckpoint("shard-a")).isNull();
        if (step == CheckpointStep.RESULTS_WRITTEN) {
            assertThat(driver.storedResults()).isEmpty();
        }
        assertThat(driver.checkpoint("shard-a")).isTrue();
        assertThat(driver.kclCheckpoint("shard-a")).isEqualTo(driver.stream("shard-a").get(1).position());
        driver.crash("shard-a");
        driver.finishAll();
        assertThat(counts(driver)).containsExactly("0s/click=4", "0s/view=1", "60s/click=1");
        assertThat(driver.conflictingWrites()).isEmpty();
        assertThat(driver.archivedRecords("shard-a")).containsExactlyElementsOf(driver.stream("shard-a"));
        assertThat(driver.restarts("shard-a")).isEqualTo(1);
    }

    @Test
    void endedShardTakesNoMoreRecords() {
        EngineTestDriver driver = new EngineTestDriver();
        driver.send("s", event(0, "a"));
        driver.finish("s");
        assertThatThrownBy(() -> driver.send("s", event(1, "a"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> driver.checkpoint("unknown")).hasMessageContaining("no record was sent");
    }

    @Test
    void aWorkerWhoseSpecDefinesAMetricOtherwiseRefusesTheShardNamingTheDifference() {
        MetricSpec before = MetricSpec.builder(MetricSpec.EVENTS_PER_MINUTE).groupBy("type")
                .allowedLateness(Duration.ofSeconds(60)).build();
        EngineTestDriver driver = new EngineTestDriver(EngineConfig.builder().metric(before).build());
        sendFirstPart(driver);
        driver.send("shard-a", event(200_000, "click")); // watermark 140 s: minutes 0 and 1 fire on shard-a
        driver.checkpoint("shard-a");
        EngineConfig lateness10s = EngineConfig.builder().metric(MetricSpec.builder(MetricSpec.EVENTS_PER_MINUTE)
                .groupBy("type").allowedLateness(Duration.ofSeconds(10)).build()).build();
        assertThatThrownBy(() -> driver.redeploy("shard-a", lateness10s)).isInstanceOf(ProgressException.class)
                .hasMessage("metric events_per_minute is defined otherwise than when shard shard-a stored its "
                        + "progress (allowed_lateness: stored PT1M, now PT10S): give a changed metric a new name, "
                        + "or run the old definition");

        EngineConfig renamed = EngineConfig.builder().metric(MetricSpec.builder("events_per_minute_10s")
                .groupBy("type").allowedLateness(Duration.ofSeconds(10)).build()).build();
        driver.redeploy("shard-a", renamed); // a new metric: starts from no event
        driver.redeploy("shard-a", EngineConfig.builder().metric(before).build()); // the old definition resumes
        driver.finishAll();
        assertThat(counts(driver)).containsExactly("0s/click=5", "0s/view=1", "60s/click=1", "180s/click=1");
    }

    @Test
    void aZombieWorkersWritesAreRefusedAndItStops() {
        EngineTestDriver driver = new EngineTestDriver();
        sendFirstPart(driver);
        driver.zombie("shard-a"); // worker-0 lost its lease unawares; worker-1 took shard-a over
        driver.send("shard-a", event(130_000, "view")); // both fire minute 1
        driver.zombiesWrite("shard-a");
        assertThat(driver.refusedWrites()).containsExactly("shard shard-a is owned by epoch 2 (worker-1), not by "
                + "epoch 1");
        driver.zombiesWrite("shard-a"); // the zombie was dropped: nothing more is tried
        assertThat(driver.refusedWrites()).hasSize(1);
        driver.finishAll();
        assertThat(counts(driver)).containsExactly("0s/click=4", "0s/view=1", "60s/click=1", "120s/view=1");
        assertThat(driver.archivedRecords("shard-a")).containsExactlyElementsOf(driver.stream("shard-a"));
    }

    @Test
    void eventsAfterADrainForADrainedWindowAreLateInsteadOfRewritingIt() {
        EngineTestDriver driver = new EngineTestDriver();
        for (int i = 0; i < 100; i++) {
            driver.send("shard-a", event(i * 500L, "click"));
        }
        assertThat(driver.drain("shard-a")).isTrue(); // minute 0 written as final: 100 clicks
        for (int i = 0; i < 3; i++) {
            driver.send("shard-a", event(55_000 + i, "click")); // the next run: minute 0 again
        }
        driver.send("shard-a", event(60_000, "click")); // minute 1 is new
        driver.finishAll();
        assertThat(counts(driver)).containsExactly("0s/click=100", "60s/click=1");
        assertThat(driver.lateRecords("shard-a")).hasSize(3);
    }
}
