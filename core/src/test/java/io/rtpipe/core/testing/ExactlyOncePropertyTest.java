package io.rtpipe.core.testing;

import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random event streams with disorder and malformed records over several shards, random result writes, checkpoints
 * and crashes (also between the steps of a checkpoint), failed checkpoint steps the worker survives, zombies (a worker
 * that lost its lease, still processing and writing), then end of input: the merged results of two metrics must
 * equal a reference computed directly from the events, every record must be archived exactly once, and dead letters
 * and late records must be exactly the reference's.
 * <p>
 * The two metrics differ in window size, lateness and group-by field, and some events are valid for only one of
 * them (a dead letter for the other, whose watermark their time still moves): the restored per-metric highest event
 * time then decides each metric's lateness on replay.
 * <p>
 * Producer retries are modelled by re-sending a recent event's exact payload to the same shard (and a few unrelated
 * events reuse an id): a metric with a dedup field must count each id once per window, the reference de-duplicates
 * by id per window on its own. Runs with and without window-state snapshots.
 */
class ExactlyOncePropertyTest {
    private static final int ITERATIONS = 200;
    private static final String[] TYPES = {"click", "view", "purchase"};
    private static final String[] MALFORMED = {
            "not json", "{\"type\":\"click\",\"user_id\":\"u1\"}", "{\"ts\":\"123\",\"type\":\"click\"}", "[]",
            "{\"ts\":1.5e12,\"type\":\"view\"}", ""};

    /** A metric as the reference sees it. */
    private record Metric(String name, long windowMillis, long latenessMillis, String groupField, boolean dedup) {
        MetricSpec spec() {
            return MetricSpec.builder(name).groupBy(groupField).windows(TumblingWindows.of(Duration.ofMillis(
                    windowMillis))).allowedLateness(Duration.ofMillis(latenessMillis))
                    .dedup(dedup ? "event_id" : null).build();
        }
    }

    /**
     * One generated event: its payload and, if well-formed, its fields (null when absent or not a string) and
     * event id (null if it has none).
     */
    private record Event(String payload, Long ts, Map<String, String> fields, String id) {
        String keyFor(Metric metric) {
            return ts == null ? null : fields.get(metric.groupField());
        }
    }

    private record WindowKey(String metric, long start, String key) {
    }

    private record Late(int index, String metric, long windowStart) {
    }

    private int totalLate;
    private int totalDeadLetters;
    private int totalRestarts;
    private int totalCheckpoints;
    private int totalFailedCheckpoints;
    private int totalDuplicates;
    private int totalRefused;

    @ParameterizedTest(name = "snapshots {0}")
    @ValueSource(booleans = {false, true})
    void mergedResultsMatchTheReferenceAndEveryRecordIsArchivedOnce(boolean snapshots) {
        for (long seed = 1; seed <= ITERATIONS; seed++) {
            runOnce(seed, snapshots);
        }
        // The scenarios must actually exercise what they claim to.
        assertThat(totalLate).as("late records over all runs").isGreaterThan(1_000);
        assertThat(totalDeadLetters).as("dead letters over all runs").isGreaterThan(1_000);
        assertThat(totalRestarts).as("restarts over all runs").isGreaterThan(1_000);
        assertThat(totalCheckpoints).as("checkpoints over all runs").isGreaterThan(500);
        assertThat(totalFailedCheckpoints).as("checkpoints a failed write stopped, over all runs").isGreaterThan(500);
        assertThat(totalDuplicates).as("duplicates dropped by the reference over all runs").isGreaterThan(1_000);
        assertThat(totalRefused).as("zombie writes refused over all runs").isGreaterThan(300);
    }

    private void runOnce(long seed, boolean snapshots) {
        steps = Arrays.stream(CheckpointStep.values())
                .filter(step -> snapshots || step != CheckpointStep.SNAPSHOT_WRITTEN).toList();
        Random random = new Random(seed);
        List<Metric> metrics = List.of(
                new Metric("per_minute_by_type", 60_000, new long[]{0, 5_000, 30_000}[random.nextInt(3)], "type", true),
                new Metric("per_10s_by_user", 10_000, new long[]{0, 2_000, 120_000}[random.nextInt(3)], "user_id",
                        random.nextBoolean()));
        EngineTestDriver driver = new EngineTestDriver(EngineConfig.builder()
                .metrics(metrics.stream().map(Metric::spec).toList()).build(), snapshots);

        int shardCount = 1 + random.nextInt(4);
        Map<String, List<Event>> events = new LinkedHashMap<>();
        long[] clocks = new long[shardCount];
        for (int s = 0; s < shardCount; s++) {
            clocks[s] = 1_764_133_200_000L + random.nextInt(120_000) - 60_000;
        }
        int eventCount = random.nextInt(400);
        for (int i = 0; i < eventCount; i++) {
            int s = random.nextInt(shardCount);
            String shard = "shard-" + s;
            clocks[s] += random.nextInt(4_000);
            List<Event> sent = events.getOrDefault(shard, List.of());
            Event event = !sent.isEmpty() && random.nextInt(100) < 20
                    ? sent.get(sent.size() - 1 - random.nextInt(Math.min(sent.size(), 8))) // a producer retry
                    : nextEvent(random, clocks[s], sent);
            events.computeIfAbsent(shard, k -> new ArrayList<>()).add(event);
            driver.send(shard, event.payload());
            randomOperation(random, driver, shard);
        }
        for (String shard : driver.shardIds()) {
            driver.endOfInput(shard);
            if (random.nextBoolean()) {
                driver.crashDuringCheckpoint(shard, randomStep(random));
            }
            driver.checkpoint(shard);
            driver.zombiesWrite(shard); // drained zombies fired every open window early: their writes must not land
            assertThat(driver.isShardEndCheckpointed(shard)).as("seed %d %s checkpointed at its end", seed, shard)
                    .isTrue();
        }

        Map<WindowKey, Long> expected = new HashMap<>();
        Map<String, List<Late>> expectedLate = new HashMap<>();
        events.forEach((shard, shardEvents) ->
                expectedLate.put(shard, reference(metrics, shardEvents, expected)));
        totalRefused += driver.refusedWrites().size();
        totalDuplicates += duplicatesDropped;
        duplicatesDropped = 0;
        Map<WindowKey, Long> actual = new HashMap<>();
        for (MergedResult result : driver.mergedResults()) {
            Metric metric = metrics.stream().filter(m -> m.name().equals(result.metric())).findFirst().orElseThrow();
            long start = result.windowStart().toEpochMilli();
            assertThat(result.windowEnd().toEpochMilli()).isEqualTo(start + metric.windowMillis());
            actual.put(new WindowKey(metric.name(), start, result.key().get(metric.groupField())),
                    (Long) result.values().get("count"));
        }
        assertThat(actual).as("seed %d: merged counts", seed).isEqualTo(expected);
        assertThat(driver.conflictingWrites()).as("seed %d: rewrites with other values", seed).isEmpty();

        for (String shard : driver.shardIds()) {
            List<Event> shardEvents = events.get(shard);
            List<InputRecord> stream = driver.stream(shard);
            assertThat(stream).hasSameSizeAs(shardEvents);
            assertThat(driver.archivedRecords(shard)).as("seed %d %s: archive", seed, shard)
                    .containsExactlyElementsOf(stream);
            List<InputRecord> invalid = new ArrayList<>();
            for (int i = 0; i < shardEvents.size(); i++) {
                Event event = shardEvents.get(i);
                if (metrics.stream().anyMatch(m -> event.keyFor(m) == null)) {
                    invalid.add(stream.get(i));
                }
            }
            assertThat(driver.deadLetters(shard)).extracting(DeadLetter::record)
                    .as("seed %d %s: dead letters", seed, shard).containsExactlyElementsOf(invalid);
            assertThat(driver.lateRecords(shard))
                    .extracting(l -> new Late(stream.indexOf(l.record()), l.metric(), l.windowStart().toEpochMilli()))
                    .as("seed %d %s: late records", seed, shard).containsExactlyElementsOf(expectedLate.get(shard));
            totalLate += expectedLate.get(shard).size();
            totalDeadLetters += invalid.size();
            totalRestarts += driver.restarts(shard);
        }
    }

    private static Event nextEvent(Random random, long clock, List<Event> sent) {
        if (random.nextInt(100) < 3) {
            return new Event(MALFORMED[random.nextInt(MALFORMED.length)], null, Map.of(), null);
        }
        long ts = clock;
        int disorder = random.nextInt(100);
        if (disorder < 20) {
            ts -= random.nextInt(10_000);       // mild disorder: often within the allowed lateness
        } else if (disorder < 28) {
            ts -= random.nextInt(150_000);      // far behind: often late
        }
        Map<String, String> fields = new HashMap<>();
        int idDice = random.nextInt(100);
        String id = idDice < 5 ? null                            // no id: never de-duplicated
                : idDice < 8 && !sent.isEmpty() ? sent.get(random.nextInt(sent.size())).id() // an unrelated event reusing an id
                : Long.toString(random.nextLong());
        StringBuilder json = new StringBuilder(id == null ? "{" : "{\"event_id\":\"" + id + "\",");
        json.append("\"ts\":").append(ts);
        if (random.nextInt(100) >= 4) {          // some events lack the type: valid for the per-user metric only
            fields.put("type", TYPES[random.nextInt(TYPES.length)]);
            json.append(",\"type\":\"").append(fields.get("type")).append('"');
        }
        if (random.nextInt(100) >= 4) {          // some lack the user: valid for the per-type metric only
            fields.put("user_id", "u" + random.nextInt(5));
            json.append(",\"user_id\":\"").append(fields.get("user_id")).append('"');
        }
        json.append(",\"amount\":").append(random.nextInt(100)).append(".5}");
        return new Event(json.toString(), ts, fields, id);
    }

    private void randomOperation(Random random, EngineTestDriver driver, String shard) {
        int dice = random.nextInt(1000);
        if (dice < 100) {
            driver.writeResults(shard);
        } else if (dice < 180) {
            if (driver.checkpoint(shard)) {
                totalCheckpoints++;
            }
        } else if (dice < 210) {
            driver.crashDuringCheckpoint(shard, randomStep(random));
        } else if (dice < 225) {
            driver.crash(shard);
        } else if (dice < 265) {
            if (!driver.failDuringCheckpoint(shard, randomStep(random))) {
                totalFailedCheckpoints++;
            }
        } else if (dice < 280) {
            driver.zombie(shard);
        } else if (dice < 330) {
            driver.zombiesWrite(shard);
        }
    }

    /** The steps a checkpoint of this run reaches (no snapshot is written without snapshots). */
    private List<CheckpointStep> steps;

    private CheckpointStep randomStep(Random random) {
        return steps.get(random.nextInt(steps.size()));
    }

    private int duplicatesDropped;

    /**
     * Per metric, counts the shard's events valid for it per (window, key) unless late, where late means: the
     * event's window ends at or before the highest earlier readable event time on the shard (of any event, valid for
     * the metric or not) minus the metric's allowed lateness, or unless the metric de-duplicates and the window already counted the event's id.
     * Adds the counts to {@code counts}; returns the late events, in record then metric order.
     */
    private List<Late> reference(List<Metric> metrics, List<Event> events, Map<WindowKey, Long> counts) {
        List<Late> late = new ArrayList<>();
        Map<String, Long> highest = new HashMap<>();
        Map<String, Set<String>> idsPerWindow = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            for (Metric metric : metrics) {
                if (event.ts() == null) {
                    continue; // malformed, or no readable time: it moves no watermark
                }
                String key = event.keyFor(metric);
                long size = metric.windowMillis();
                long start = event.ts() - (((event.ts() % size) + size) % size);
                Long high = highest.get(metric.name());
                if (key == null) {
                    // A dead letter for this metric, counted nowhere; its readable time still moves the watermark.
                } else if (high != null && start + size <= high - metric.latenessMillis()) {
                    late.add(new Late(i, metric.name(), start));
                } else if (metric.dedup() && event.id() != null && !idsPerWindow
                        .computeIfAbsent(metric.name() + "@" + start, w -> new HashSet<>()).add(event.id())) {
                    duplicatesDropped++;
                } else {
                    counts.merge(new WindowKey(metric.name(), start, key), 1L, Long::sum);
                }
                highest.put(metric.name(), high == null ? event.ts() : Math.max(high, event.ts()));
            }
        }
        return late;
    }
}
