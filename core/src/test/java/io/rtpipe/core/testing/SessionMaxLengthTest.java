package io.rtpipe.core.testing;

import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key that is never quiet for a gap: with {@code max_length} its sessions are cut at every multiple of it since
 * the epoch, so they close and the checkpoint moves past them while the key stays active; crashes at random points
 * (replays from KCL's checkpoint) give the same sessions, which this test computes from the event times alone.
 */
class SessionMaxLengthTest {
    private static final long T0 = 1_764_133_200_000L; // 2025-11-26T05:00:00Z, a whole minute
    private static final long MAX_LENGTH = 60_000;
    private static final String SPEC = """
            metrics:
              - name: visits
                group_by: [user]
                window: {type: session, gap: 10s, max_length: 1m}
                allowed_lateness: 0s
                aggregates: [{name: count, fn: count}]
            """;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void anAlwaysActiveKeyHasSessionsOfAtMostMaxLengthThatCloseAndReplayAlike(long seed) {
        EngineConfig config = new SpecLoader(AggregatorRegistry.builtins()).parse("spec.yaml", SPEC);
        EngineTestDriver driver = new EngineTestDriver(config);
        Random random = new Random(seed);
        TreeMap<Long, Long> expected = new TreeMap<>(); // session start (ms after T0) -> count
        List<Long> checkpointsAfterFirstCut = new ArrayList<>();
        long recordsBefore50s = 0;
        long t = 0;
        while (t < 200_000) { // one event every 0.5..2.5 s: never a 10 s gap
            driver.send("shard-0", "{\"ts\":" + (T0 + t) + ",\"user\":\"u1\"}");
            expected.merge(Math.floorDiv(t, MAX_LENGTH) * MAX_LENGTH, 1L, Long::sum);
            recordsBefore50s += t < 50_000 ? 1 : 0;
            if (random.nextInt(10) == 0) {
                driver.checkpoint("shard-0");
                if (t >= MAX_LENGTH) { // the first session [0, 1 m) has fired: the checkpoint is past its records
                    RecordPosition at = driver.kclCheckpoint("shard-0");
                    checkpointsAfterFirstCut.add(at == null ? 0 : at.sequenceAsNumber().longValue());
                }
            }
            if (random.nextInt(25) == 0) {
                driver.crash("shard-0");
            }
            t += 500 + random.nextInt(2_000);
        }
        // Sequence numbers are 1, 2, ... per record; the next session keeps the checkpoint before the key-cap slice
        // one gap before its first event (docs/ENGINE.md), i.e. after the records before 50 s at least.
        long firstCutRecords = recordsBefore50s;
        assertThat(checkpointsAfterFirstCut).as("the checkpoint moves while the key stays active").isNotEmpty()
                .allSatisfy(position -> assertThat(position).isGreaterThanOrEqualTo(firstCutRecords));
        driver.finishAll();

        TreeMap<Long, Long> actual = new TreeMap<>();
        for (MergedResult r : driver.mergedResults()) {
            long start = r.windowStart().toEpochMilli() - T0;
            assertThat(r.windowEnd().toEpochMilli() - T0).as("session from %d ms ends by its cut", start)
                    .isLessThanOrEqualTo(Math.floorDiv(start, MAX_LENGTH) * MAX_LENGTH + MAX_LENGTH);
            assertThat(actual.put(Math.floorDiv(start, MAX_LENGTH) * MAX_LENGTH, ((Number) r.values().get("count"))
                    .longValue())).as("one session per cut for key u1").isNull();
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(driver.conflictingWrites()).isEmpty();
        assertThat(driver.restarts("shard-0")).as("seed %d crashed at least once", seed).isPositive();
    }
}
