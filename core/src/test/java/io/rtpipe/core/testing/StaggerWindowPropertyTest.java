package io.rtpipe.core.testing;

import io.rtpipe.core.testing.DisorderedVisits.Visit;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stagger windows under a small key cap, with disorder, short cuts (max_length), checkpoints and crashes (also inside
 * checkpoints): the merged results must equal a plain model of the documented rule (docs/ENGINE.md: an event joins
 * its key's earliest-starting open window holding it, or opens [t, t + size), ended by the next cut; late iff that
 * end is at or below the watermark; a size-long slice admits the first {@code max_keys_per_window} keys of its
 * accepted events), and every event is counted exactly once or reported late. Without snapshots a restart rebuilds
 * windows from replayed records, which only gives the same windows if fired windows hold the checkpoint while their
 * key's next window can open; with snapshots the windows are restored.
 */
class StaggerWindowPropertyTest {
    private static final int ITERATIONS = 300;
    private static final long SIZE = 2_000;
    private static final int CAP = 2;
    private static final String[] USERS = {"u0", "u1", "u2", "u3"};

    private record Key(long start, long end, String user) {
    }

    private long restarts;
    private long windows;

    @ParameterizedTest(name = "snapshots {0}")
    @ValueSource(booleans = {false, true})
    void resultsFollowTheStaggerRuleWhateverTheCrashes(boolean snapshots) {
        for (long seed = 1; seed <= ITERATIONS; seed++) {
            runOnce(seed, snapshots);
        }
        assertThat(restarts).as("restarts").isGreaterThan(1_000);
        assertThat(windows).as("windows").isGreaterThan(5_000);
    }

    private void runOnce(long seed, boolean snapshots) {
        Random random = new Random(seed);
        long lateness = new long[]{0, 1_000, 5_000}[random.nextInt(3)];
        long maxLength = new long[]{86_400_000, 3_000, 7_000}[random.nextInt(3)];
        MetricSpec spec = MetricSpec.builder("visits").groupBy("user").dedup(null).maxKeysPerWindow(CAP)
                .windows(new StaggerWindows(Duration.ofMillis(SIZE), Duration.ofMillis(maxLength)))
                .allowedLateness(Duration.ofMillis(lateness)).build();
        EngineTestDriver driver = new EngineTestDriver(EngineConfig.builder().metrics(List.of(spec)).build(),
                snapshots);
        List<Visit> events = DisorderedVisits.feed(driver, random, USERS);
        driver.finishAll();
        restarts += driver.restarts("shard-0");

        Map<Key, Long> expected = new HashMap<>();
        long late = reference(events, lateness, maxLength, expected);
        Map<Key, Long> actual = new HashMap<>();
        for (MergedResult result : driver.mergedResults()) {
            actual.merge(new Key(result.windowStart().toEpochMilli(), result.windowEnd().toEpochMilli(),
                    result.key().get("user")), (Long) result.values().get("count"), Long::sum);
        }
        windows += expected.size();
        assertThat(driver.conflictingWrites()).as("seed %d rewrites with other values", seed).isEmpty();
        assertThat(driver.lateRecords("shard-0")).as("seed %d late", seed).hasSize((int) late);
        assertThat(actual).as("seed %d windows", seed).isEqualTo(expected);
    }

    /** The documented semantics, directly: returns the number of late events, adds each window's count. */
    private static long reference(List<Visit> events, long lateness, long maxLength, Map<Key, Long> out) {
        final class Window {
            long start;
            long end;
            long count;
        }
        Map<Long, Set<String>> admitted = new HashMap<>();
        Map<String, List<Window>> open = new LinkedHashMap<>();
        Long highest = null;
        long late = 0;
        for (Visit e : events) {
            long watermark = highest == null ? Long.MIN_VALUE : highest - lateness;
            long end = Math.min(e.ts() + SIZE, (e.ts() / maxLength + 1) * maxLength);
            if (end <= watermark) {
                late++;
            } else {
                Set<String> slice = admitted.computeIfAbsent(e.ts() / SIZE, s -> new HashSet<>());
                String key = e.user();
                if (!slice.contains(key) && slice.size() >= CAP) {
                    key = "__overflow__";
                } else {
                    slice.add(key);
                }
                List<Window> windows = open.computeIfAbsent(key, k -> new ArrayList<>());
                Window holding = windows.stream().filter(w -> w.start <= e.ts() && e.ts() < w.end)
                        .min(Comparator.comparingLong(w -> w.start)).orElse(null);
                if (holding == null) {
                    holding = new Window();
                    holding.start = e.ts();
                    holding.end = end;
                    windows.add(holding);
                }
                holding.count++;
            }
            highest = highest == null ? e.ts() : Math.max(highest, e.ts());
            long now = highest - lateness;
            open.forEach((user, userWindows) -> userWindows.removeIf(w -> {
                if (w.end <= now) {
                    out.merge(new Key(w.start, w.end, user), w.count, Long::sum);
                    return true;
                }
                return false;
            }));
        }
        open.forEach((user, userWindows) -> userWindows.forEach(w -> out.merge(new Key(w.start, w.end, user), w.count,
                Long::sum)));
        return late;
    }
}
