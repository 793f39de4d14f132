package io.rtpipe.core.testing;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * random_cut_forest under ShardTask: crashes at every checkpoint step and mid-window, with the records after the
 * checkpoint replayed, give exactly the results of a run without crashes; and the injected outliers of every window
 * and key are its top anomalies.
 */
class RandomCutForestReplayTest {
    private static final long T0 = 1_764_133_200_000L; // a minute boundary
    private static final String[] SHARDS = {"shard-0", "shard-1"};
    private static final String[] HOSTS = {"a", "b"};
    private static final int PER_WINDOW = 240;
    private static final int WINDOWS = 3;
    private static final int TOP = 3;
    private static final EngineConfig CONFIG = SpecLoader.standard().parse("anomalies.yaml", """
            metrics:
              - name: latency_anomalies
                group_by: [host]
                window: {type: tumbling, size: 1m}
                allowed_lateness: 0s
                dedup: {field: event_id}
                max_keys_per_window: 100
                aggregates:
                  - {name: n, fn: count}
                  - {name: anomaly, fn: random_cut_forest, fields: [latency_ms, bytes], top: %d, number_of_trees: 40}
            """.formatted(TOP));

    /** One shard's payloads in order, and per (window start, host) the latencies the test made outliers. */
    private record Stream(List<String> payloads, Map<String, Set<Double>> injected) {
    }

    private static Stream stream(String shard, long seed) {
        Random random = new Random(seed);
        List<String> payloads = new ArrayList<>();
        Map<String, Set<Double>> injected = new HashMap<>();
        int id = 0;
        for (int w = 0; w < WINDOWS; w++) {
            long start = T0 + w * 60_000L;
            for (int i = 0; i < PER_WINDOW; i++) {
                for (String host : HOSTS) {
                    double latency = 50 + Math.round(random.nextGaussian() * 50) / 10.0;
                    long bytes = 2_000 + Math.round(random.nextGaussian() * 100);
                    // Three outliers per window and key, late enough that the forest has warmed up (64 points).
                    if (i == 100 + 40 * w || i == 150 || i == 200 + 10 * w) {
                        latency = 400 + 100 * w + i + 7 * seed;
                        injected.computeIfAbsent(start + "/" + host, k -> new TreeSet<>()).add(latency);
                    }
                    payloads.add("{\"ts\":%d,\"host\":\"%s\",\"event_id\":\"%s-%d\",\"latency_ms\":%s,\"bytes\":%d}"
                            .formatted(start + i * 250L, host, shard, id++, latency, bytes));
                }
            }
        }
        return new Stream(payloads, injected);
    }

    private static List<MergedResult> run(boolean crashes, boolean snapshots) {
        EngineTestDriver driver = new EngineTestDriver(CONFIG, snapshots);
        CheckpointStep[] steps = CheckpointStep.values();
        for (int s = 0; s < SHARDS.length; s++) {
            List<String> payloads = stream(SHARDS[s], s).payloads();
            for (int i = 0; i < payloads.size(); i++) {
                driver.send(SHARDS[s], payloads.get(i));
                if (crashes && i % 97 == 96) {
                    driver.crashDuringCheckpoint(SHARDS[s], steps[(i / 97) % steps.length]);
                } else if (crashes && i % 131 == 130) {
                    driver.crash(SHARDS[s]); // mid-window, nothing written since the last checkpoint
                } else if (i % 50 == 49) {
                    driver.checkpoint(SHARDS[s]);
                }
            }
        }
        driver.finishAll();
        assertThat(driver.conflictingWrites()).isEmpty();
        if (crashes) {
            assertThat(driver.restarts(SHARDS[0])).isGreaterThan(5);
        }
        // The forest is not in a partial, so a runtime that stores snapshots keeps this spec on the replay rule.
        assertThat(driver.snapshots(SHARDS[0])).isEmpty();
        return driver.mergedResults();
    }

    @Test
    void crashesAndReplaysChangeNoScoreAndTheInjectedOutliersAreTheTopAnomalies() {
        List<MergedResult> clean = run(false, false);
        assertThat(run(true, false)).isEqualTo(clean);
        assertThat(run(true, true)).as("crashes under a runtime that stores window-state snapshots").isEqualTo(clean);

        // Ground truth: per window and host, the injected latencies of both shards are the highest scores there.
        Map<String, Set<Double>> injected = new HashMap<>();
        for (int s = 0; s < SHARDS.length; s++) {
            stream(SHARDS[s], s).injected().forEach((cell, latencies) ->
                    injected.computeIfAbsent(cell, k -> new TreeSet<>()).addAll(latencies));
        }
        assertThat(clean).hasSize(WINDOWS * HOSTS.length);
        for (MergedResult result : clean) {
            String cell = result.windowStart().toEpochMilli() + "/" + result.key().get("host");
            Map<?, ?> anomaly = (Map<?, ?>) result.values().get("anomaly");
            assertThat(anomaly.get("scored")).isEqualTo((long) PER_WINDOW * SHARDS.length);
            Set<Double> topLatencies = ((List<?>) anomaly.get("top")).stream()
                    .map(row -> (Double) ((Map<?, ?>) ((Map<?, ?>) row).get("values")).get("latency_ms"))
                    .collect(Collectors.toCollection(TreeSet::new));
            // Each shard injected 3; the merged top 3 are 3 of the 6, and no ordinary point.
            assertThat(injected.get(cell)).hasSize(2 * TOP).containsAll(topLatencies);
            assertThat(topLatencies).hasSize(TOP);
        }
    }
}
