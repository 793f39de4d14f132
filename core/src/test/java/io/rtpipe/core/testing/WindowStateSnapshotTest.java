package io.rtpipe.core.testing;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.task.ProgressException;
import io.rtpipe.core.task.ShardTask;
import io.rtpipe.core.task.TaskListener;
import io.rtpipe.core.task.TaskPorts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkpoints with window-state snapshots: the checkpoint moves to the last record at every checkpoint, whatever the
 * window length, so no record is held past it; a restart restores the open state (and a replay that reaches the
 * same checkpoint writes identical bytes); a progress entry whose snapshot is missing or damaged refuses the shard.
 */
class WindowStateSnapshotTest {
    private static final long T0 = 1_764_133_200_000L; // 2026-11-26T05:00:00Z, an hour boundary
    private static final EngineConfig CONFIG = EngineConfig.builder().metrics(List.of(
            MetricSpec.builder("per_hour").groupBy("type").windows(TumblingWindows.of(Duration.ofHours(1)))
                    .dedup("event_id").build(),
            // One user is never quiet for a gap: a single session over the whole run.
            MetricSpec.builder("visits").groupBy("user").windows(SessionWindows.withGap(Duration.ofMinutes(1)))
                    .build())).build();

    private static String event(long ts, String type, String user, int id) {
        return "{\"ts\":" + ts + ",\"type\":\"" + type + "\",\"user\":\"" + user + "\",\"event_id\":\"e" + id + "\"}";
    }

    @Test
    void theCheckpointMovesEveryIntervalWithAnHourWindowAndAnAlwaysActiveSessionKey() {
        var driver = new EngineTestDriver(CONFIG, true);
        var replayRule = new EngineTestDriver(CONFIG, false);
        Map<String, Long> expected = new TreeMap<>();
        int sent = 0;
        // 90 minutes of event time, an event every 10 s: the hour window [05:00, 06:00) stays open for 60 minutes.
        for (long ts = T0; ts < T0 + 90 * 60_000; ts += 10_000) {
            String type = sent % 3 == 0 ? "view" : "click";
            String payload = event(ts, type, "always", sent++);
            driver.send("s", payload);
            replayRule.send("s", payload);
            expected.merge("per_hour/" + (ts - T0) / 3_600_000 + "/" + type, 1L, Long::sum);
            if (sent % 30 == 0) { // every "interval"
                assertThat(driver.checkpoint("s")).isTrue();
                assertThat(replayRule.checkpoint("s")).isTrue();
                RecordPosition last = driver.stream("s").get(sent - 1).position();
                assertThat(driver.kclCheckpoint("s")).as("after %d records", sent).isEqualTo(last);
                assertThat(driver.engine("s").stats().bufferedRecords()).isZero();
                assertThat(driver.snapshots("s").keySet()).contains(last);
                // Without snapshots the session (open since the first record) pins the checkpoint at the start.
                assertThat(replayRule.kclCheckpoint("s")).isNull();
            }
            if (sent % 97 == 0) {
                driver.crash("s"); // restores the last snapshot, replays the records after it
            }
        }
        assertThat(driver.snapshots("s").keySet()).as("older snapshots deleted").hasSizeLessThanOrEqualTo(2);
        driver.finishAll();
        expected.put("visits/always", (long) sent);

        Map<String, Long> actual = new TreeMap<>();
        for (MergedResult result : driver.mergedResults()) {
            String key = result.metric().equals("per_hour")
                    ? (result.windowStart().toEpochMilli() - T0) / 3_600_000 + "/" + result.key().get("type")
                    : result.key().get("user");
            actual.merge(result.metric() + "/" + key, (Long) result.values().get("count"), Long::sum);
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(driver.conflictingWrites()).isEmpty();
        assertThat(driver.archivedRecords("s")).isEqualTo(driver.stream("s"));
    }

    @Test
    void aReplayReachingTheSameCheckpointRewritesTheSameSnapshotBytes() {
        var driver = new EngineTestDriver(CONFIG, true);
        for (int i = 0; i < 200; i++) {
            // Many ids and keys, so hash order would show if the format depended on it.
            driver.send("s", event(T0 + i * 997L % 50_000, "t" + i % 17, "u" + i % 23, (i * 7919) % 150));
        }
        driver.crashDuringCheckpoint("s", CheckpointStep.SNAPSHOT_WRITTEN);
        RecordPosition last = driver.stream("s").get(199).position();
        assertThat(driver.snapshots("s").get(last)).hasSize(1);
        assertThat(driver.kclCheckpoint("s")).isNull();
        assertThat(driver.checkpoint("s")).isTrue();
        assertThat(driver.kclCheckpoint("s")).isEqualTo(last);
        // The id is a digest of the bytes: one id at the checkpoint means the replay wrote the same bytes.
        assertThat(driver.snapshots("s").get(last)).hasSize(1);
        assertThat(driver.conflictingWrites()).isEmpty();
    }

    /** The stores of one shard, shared by the workers that take it in turn. */
    private static final class Stores {
        final Faults faults = new Faults();
        final InMemoryProgress progress = new InMemoryProgress(faults);
        final InMemorySnapshots snapshots = new InMemorySnapshots(faults);
        final TaskPorts ports = new TaskPorts(new InMemoryIntervals(faults), new InMemoryResults(faults), progress,
                progress, snapshots);
        final List<InputRecord> stream = new ArrayList<>();
        final InMemoryCheckpointer kcl = new InMemoryCheckpointer(faults, () -> stream.get(stream.size() - 1).position());

        /** A worker takes the shard, processes three records and checkpoints after them. */
        void checkpointOnce() {
            ShardTask task = ShardTask.start(CONFIG, "s", "worker-1", null, ports, new TaskListener() {
            });
            for (int i = 0; i < 3; i++) {
                stream.add(new InputRecord(RecordPosition.of(Integer.toString(i + 1)), "pk", T0,
                        event(T0 + i, "click", "u", i).getBytes(StandardCharsets.UTF_8)));
            }
            task.process(stream);
            assertThat(task.checkpoint(kcl, false)).isTrue();
        }

        ShardTask restart(TaskPorts with) {
            return ShardTask.start(CONFIG, "s", "worker-2", kcl.position, with, new TaskListener() {
            });
        }
    }

    @Test
    void aMissingOrDamagedSnapshotRefusesTheShardInOneSentence() {
        var stores = new Stores();
        stores.checkpointOnce();
        RecordPosition checkpoint = stores.kcl.position;
        assertThat(checkpoint).isEqualTo(RecordPosition.of("3"));
        Map<String, byte[]> stored = Map.copyOf(stores.snapshots.of("s").get(checkpoint));
        String id = stored.keySet().iterator().next();

        stores.snapshots.of("s").put(checkpoint, Map.of(id, new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> stores.restart(stores.ports)).isInstanceOf(ProgressException.class)
                .hasMessage("shard s's window-state snapshot at 3 cannot be restored (its bytes do not have the "
                        + "digest " + id + " its progress names), so its open windows cannot be rebuilt");

        stores.snapshots.of("s").remove(checkpoint);
        assertThatThrownBy(() -> stores.restart(stores.ports)).isInstanceOf(ProgressException.class)
                .hasMessage("shard s's progress at 3 names a window-state snapshot that is not stored (archive "
                        + "bucket emptied or replaced), so its open windows cannot be rebuilt");

        stores.snapshots.of("s").put(checkpoint, new TreeMap<>(stored));
        TaskPorts withoutSnapshots = new TaskPorts(stores.ports.intervals(), stores.ports.results(),
                stores.progress, stores.progress);
        assertThatThrownBy(() -> stores.restart(withoutSnapshots)).isInstanceOf(ProgressException.class)
                .hasMessage("shard s's progress at 3 names a window-state snapshot, but this runtime stores none, "
                        + "so its open windows cannot be rebuilt");
        assertThat(stores.restart(stores.ports).engine().stats().openWindows()).isEqualTo(2);
    }
}
