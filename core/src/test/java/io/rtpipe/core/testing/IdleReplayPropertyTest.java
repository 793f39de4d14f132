package io.rtpipe.core.testing;

import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random streams on two shards with idle gaps (the shard's watermark moves on by the idle time, with or without an
 * open window; a shard that has read no record yet takes the start time it is given, if any), checkpoints and
 * result writes, run twice: once as scripted, once with crashes at random points (also right after an idle decision
 * is stored and before its results are, and between checkpoint steps). Both runs must give the merged counts and the
 * late set of a model of the rule computed here from the events sent, and no rewrite of a result with another value.
 */
class IdleReplayPropertyTest {
    private static final int ITERATIONS = 150;
    private static final long MINUTE = 60_000;
    private static final long LATENESS = 5_000;
    private static final String[] SHARDS = {"shard-a", "shard-b"};
    private static final String[] TYPES = {"click", "view"};

    private sealed interface Op permits Send, Idle, Checkpoint, Write {
    }

    private record Send(String shard, long ts, String type, int id) implements Op {
        String payload() {
            return "{\"ts\":" + ts + ",\"type\":\"" + type + "\",\"event_id\":\"e" + id + "\"}";
        }
    }

    /**
     * No records for {@code time}; {@code start} (epoch millis) is the highest event time a shard without one is
     * given (null: none, as when no other shard has a mark).
     */
    private record Idle(String shard, Duration time, Long start) implements Op {
        Map<String, Long> startTimes() {
            return start == null ? Map.of() : Map.of("events_per_minute", start);
        }
    }

    /** The idle rules, each of which a model may leave out to show it decides something. */
    private enum Rule { ADVANCE_WITH_NOTHING_OPEN, GIVEN_START }

    private record Checkpoint(String shard) implements Op {
    }

    private record Write(String shard) implements Op {
    }

    /** A late (record, window) as the model and the driver both name it: shard, index in the shard, window start. */
    private record Late(String shard, int index, long windowStart) implements Comparable<Late> {
        @Override
        public int compareTo(Late o) {
            return toString().compareTo(o.toString());
        }
    }

    /** The rule of docs/ENGINE.md for one shard of the built-in metric, kept apart from the engine. */
    private static final class ShardModel {
        Long maxTime;
        final Set<Long> open = new TreeSet<>();
        int sent;

        long watermark() {
            return maxTime - LATENESS;
        }

        void closeReady() {
            open.removeIf(start -> start + MINUTE <= watermark());
        }
    }

    private record Outcome(Map<String, Long> counts, Set<Late> late) {
    }

    private static Outcome model(List<Op> ops) {
        return model(ops, Set.of(Rule.values()));
    }

    private static Outcome model(List<Op> ops, Set<Rule> rules) {
        Map<String, ShardModel> shards = new HashMap<>();
        Map<String, Long> counts = new TreeMap<>();
        Set<Late> late = new TreeSet<>();
        for (Op op : ops) {
            if (op instanceof Send send) {
                ShardModel shard = shards.computeIfAbsent(send.shard(), s -> new ShardModel());
                long start = Math.floorDiv(send.ts(), MINUTE) * MINUTE;
                if (shard.maxTime != null && start + MINUTE <= shard.watermark()) {
                    late.add(new Late(send.shard(), shard.sent, start));
                } else {
                    counts.merge(start / MINUTE + "/" + send.type(), 1L, Long::sum);
                    shard.open.add(start);
                }
                shard.maxTime = shard.maxTime == null ? send.ts() : Math.max(shard.maxTime, send.ts());
                shard.closeReady();
                shard.sent++;
            } else if (op instanceof Idle idle) {
                ShardModel shard = shards.computeIfAbsent(idle.shard(), s -> new ShardModel());
                if (shard.maxTime == null) {
                    if (idle.start() != null && rules.contains(Rule.GIVEN_START)) {
                        shard.maxTime = idle.start();
                    }
                } else if (!shard.open.isEmpty() || rules.contains(Rule.ADVANCE_WITH_NOTHING_OPEN)) {
                    shard.maxTime += idle.time().toMillis();
                    shard.closeReady();
                }
            }
        }
        return new Outcome(counts, late);
    }

    private static List<Op> script(Random random) {
        List<Op> ops = new ArrayList<>();
        long[] clock = {0, 0};
        boolean[] sent = {false, false};
        int id = 0;
        for (int n = 0, length = 20 + random.nextInt(60); n < length; n++) {
            int s = random.nextInt(SHARDS.length);
            String shard = SHARDS[s];
            int roll = random.nextInt(10);
            if (roll < 6 || (roll >= 8 && clock[s] == 0)) {
                clock[s] += random.nextInt(20_000);
                long ts = clock[s] + 1 - random.nextInt(30_000); // disorder reaching back past the lateness
                ops.add(new Send(shard, Math.max(0, ts), TYPES[random.nextInt(TYPES.length)], id++));
                sent[s] = true;
            } else if (roll < 8) {
                Duration time = Duration.ofSeconds(10 + random.nextInt(80));
                Long start = random.nextInt(4) == 0 ? null : Math.max(clock[0], clock[1]) + random.nextInt(40_000);
                ops.add(new Idle(shard, time, start));
                if (!sent[s] && start != null) {
                    // The shard's records, when they come, straddle its given start (some late, some not).
                    clock[s] = Math.max(clock[s], start);
                }
            } else if (roll < 9) {
                ops.add(new Checkpoint(shard));
            } else {
                ops.add(new Write(shard));
            }
        }
        return ops;
    }

    private static String shardOf(Op op) {
        if (op instanceof Send send) {
            return send.shard();
        }
        if (op instanceof Idle idle) {
            return idle.shard();
        }
        return op instanceof Checkpoint checkpoint ? checkpoint.shard() : ((Write) op).shard();
    }

    private static Outcome run(List<Op> ops, Random crashes, boolean snapshots) {
        var driver = new EngineTestDriver(EngineConfig.defaults(), snapshots);
        for (Op op : ops) {
            if (op instanceof Send send) {
                driver.send(send.shard(), send.payload());
            } else if (op instanceof Idle idle) {
                // A worker holds the shard from its start: an idle shard may have read no record yet.
                if (crashes != null && crashes.nextInt(4) == 0) {
                    driver.crashDuringIdle(idle.shard(), idle.time(), idle.startTimes(), crashes.nextBoolean()
                            ? CheckpointStep.PROGRESS_STORED : CheckpointStep.RESULTS_WRITTEN);
                } else {
                    driver.idle(idle.shard(), idle.time(), idle.startTimes());
                }
            } else if (!driver.shardIds().contains(shardOf(op))) {
                continue; // nothing sent there yet and never idle: no worker
            } else if (op instanceof Checkpoint checkpoint) {
                if (crashes != null && crashes.nextInt(3) == 0) {
                    var steps = CheckpointStep.values();
                    driver.crashDuringCheckpoint(checkpoint.shard(), steps[crashes.nextInt(steps.length)]);
                } else {
                    driver.checkpoint(checkpoint.shard());
                }
            } else {
                driver.writeResults(shardOf(op));
            }
            if (crashes != null && !driver.shardIds().isEmpty() && crashes.nextInt(8) == 0) {
                driver.crash(driver.shardIds().get(crashes.nextInt(driver.shardIds().size())));
            }
        }
        driver.finishAll();
        assertThat(driver.conflictingWrites()).as("rewrites with another value").isEmpty();

        Map<String, Long> counts = new TreeMap<>();
        for (MergedResult result : driver.mergedResults()) {
            counts.put(result.windowStart().toEpochMilli() / MINUTE + "/" + result.key().get("type"),
                    ((Number) result.values().get("count")).longValue());
        }
        Set<Late> late = new TreeSet<>();
        for (String shard : driver.shardIds()) {
            var stream = driver.stream(shard);
            var lateRecords = driver.lateRecords(shard);
            assertThat(lateRecords).as("each late record written once").doesNotHaveDuplicates();
            for (LateRecord record : lateRecords) {
                late.add(new Late(shard, stream.indexOf(record.record()), record.windowStart().toEpochMilli()));
            }
            assertThat(driver.archivedRecords(shard)).as("archived once, in order").isEqualTo(stream);
        }
        return new Outcome(counts, late);
    }

    @ParameterizedTest(name = "snapshots {0}")
    @ValueSource(booleans = {false, true})
    void crashesAnywhereDecideAsTheRunWithoutCrashesAndAsTheModel(boolean snapshots) {
        int idleLate = 0;
        Map<Rule, Integer> lateByRule = new TreeMap<>();
        for (long seed = 1; seed <= ITERATIONS; seed++) {
            Random random = new Random(seed);
            List<Op> ops = script(random);
            Outcome expected = model(ops);
            Outcome plain = run(ops, null, snapshots);
            Outcome crashed = run(ops, new Random(seed * 31), snapshots);
            assertThat(plain).as("seed %d without crashes", seed).isEqualTo(expected);
            assertThat(crashed).as("seed %d with crashes", seed).isEqualTo(expected);
            idleLate += lateOnlyBecauseOfIdle(ops, expected);
            for (Rule rule : Rule.values()) {
                Set<Rule> without = new TreeSet<>(Set.of(Rule.values()));
                without.remove(rule);
                Set<Late> extra = new TreeSet<>(expected.late());
                extra.removeAll(model(ops, without).late());
                lateByRule.merge(rule, extra.size(), Integer::sum);
            }
        }
        // Each rule decides: without it, some records the model makes late would count.
        assertThat(lateByRule).as("late records due to each idle rule, over all seeds")
                .allSatisfy((rule, late) -> assertThat(late).as(rule.name()).isGreaterThan(20));
        // The property means something only if idle decisions made records late that would otherwise count.
        assertThat(idleLate).as("late records due to an idle advance, over all seeds").isGreaterThan(50);
    }

    private static int lateOnlyBecauseOfIdle(List<Op> ops, Outcome withIdle) {
        Outcome without = model(ops.stream().filter(op -> !(op instanceof Idle)).collect(Collectors.toList()));
        Set<Late> extra = new TreeSet<>(withIdle.late());
        extra.removeAll(without.late());
        return extra.size();
    }
}
