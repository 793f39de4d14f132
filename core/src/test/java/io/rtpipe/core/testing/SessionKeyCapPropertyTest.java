package io.rtpipe.core.testing;

import io.rtpipe.core.testing.DisorderedVisits.Visit;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session windows under a small key cap, with disorder, checkpoints and crashes (also inside checkpoints): the merged
 * results must equal a plain model of the documented rule (a gap-long slice of event time admits the first
 * {@code max_keys_per_window} keys of its accepted events; the others count under the overflow key), and every event
 * is counted exactly once or reported late. One user is literally named {@code __overflow__}: it must stay apart
 * from the overflow bucket. Each runs with and without window-state snapshots (the slices' admissions and the open
 * sessions are then restored from the snapshot instead of replayed).
 */
class SessionKeyCapPropertyTest {
    private static final int ITERATIONS = 300;
    private static final long GAP = 2_000;
    private static final int CAP = 2;
    private static final String[] USERS = {"u0", "u1", "u2", "u3", "__overflow__"};

    private record Key(long start, long end, String user) {
    }

    private long overflowed;
    private long restarts;

    @ParameterizedTest(name = "snapshots {0}")
    @ValueSource(booleans = {false, true})
    void everyEventIsCountedOnceOrReportedLate(boolean snapshots) {
        for (long seed = 1; seed <= ITERATIONS; seed++) {
            runOnce(seed, false, snapshots);
        }
        assertThat(restarts).as("restarts").isGreaterThan(1_000);
    }

    @ParameterizedTest(name = "snapshots {0}")
    @ValueSource(booleans = {false, true})
    void resultsFollowTheSliceRuleWhateverTheCrashes(boolean snapshots) {
        for (long seed = 1; seed <= ITERATIONS; seed++) {
            runOnce(seed, true, snapshots);
        }
        assertThat(overflowed).as("events the model put under the overflow key").isGreaterThan(1_000);
    }

    private void runOnce(long seed, boolean againstModel, boolean snapshots) {
        Random random = new Random(seed);
        long lateness = new long[]{0, 1_000, 5_000}[random.nextInt(3)];
        MetricSpec spec = MetricSpec.builder("visits").groupBy("user").dedup(null).maxKeysPerWindow(CAP)
                .windows(SessionWindows.withGap(Duration.ofMillis(GAP))).allowedLateness(Duration.ofMillis(lateness))
                .build();
        EngineTestDriver driver = new EngineTestDriver(EngineConfig.builder().metrics(List.of(spec)).build(),
                snapshots);
        List<Visit> events = DisorderedVisits.feed(driver, random, USERS);
        driver.finishAll();
        restarts += driver.restarts("shard-0");

        Map<Key, Long> expected = new HashMap<>();
        long late = reference(events, lateness, expected);
        Map<Key, Long> actual = new HashMap<>();
        long counted = 0;
        for (MergedResult result : driver.mergedResults()) {
            long n = (Long) result.values().get("count");
            actual.merge(new Key(result.windowStart().toEpochMilli(), result.windowEnd().toEpochMilli(),
                    result.key().get("user")), n, Long::sum);
            counted += n;
        }
        assertThat(counted + driver.lateRecords("shard-0").size()).as("seed %d: counted + late", seed)
                .isEqualTo(events.size());
        assertThat(driver.conflictingWrites()).as("seed %d rewrites with other values", seed).isEmpty();
        if (againstModel) {
            assertThat(driver.lateRecords("shard-0")).as("seed %d late", seed).hasSize((int) late);
            assertThat(actual).as("seed %d sessions", seed).isEqualTo(expected);
        }
    }

    /** The documented semantics, directly: returns the number of late events, adds each session's count. */
    private long reference(List<Visit> events, long lateness, Map<Key, Long> out) {
        final class Session {
            long start;
            long end;
            long count;
        }
        Map<Long, Set<String>> admitted = new HashMap<>();
        Map<String, List<Session>> open = new LinkedHashMap<>();
        Long highest = null;
        long late = 0;
        for (Visit e : events) {
            long watermark = highest == null ? Long.MIN_VALUE : highest - lateness;
            if (e.ts() + GAP <= watermark) {
                late++;
            } else {
                Set<String> slice = admitted.computeIfAbsent(Math.floorDiv(e.ts(), GAP), s -> new HashSet<>());
                String key = e.user().equals("__overflow__") ? "\\__overflow__" : e.user();
                if (!slice.contains(e.user()) && slice.size() >= CAP) {
                    key = "__overflow__";
                    overflowed++;
                } else {
                    slice.add(e.user());
                }
                List<Session> sessions = open.computeIfAbsent(key, k -> new ArrayList<>());
                Session session = new Session();
                session.start = e.ts();
                session.end = e.ts() + GAP;
                session.count = 1;
                for (Session s : List.copyOf(sessions)) {
                    if (e.ts() < s.end && s.start < e.ts() + GAP) {
                        session.start = Math.min(session.start, s.start);
                        session.end = Math.max(session.end, s.end);
                        session.count += s.count;
                        sessions.remove(s);
                    }
                }
                sessions.add(session);
            }
            highest = highest == null ? e.ts() : Math.max(highest, e.ts());
            long now = highest - lateness;
            open.forEach((key, sessions) -> sessions.removeIf(s -> {
                if (s.end <= now) {
                    out.merge(new Key(s.start, s.end, key), s.count, Long::sum);
                    return true;
                }
                return false;
            }));
        }
        open.forEach((key, sessions) -> sessions.forEach(s -> out.merge(new Key(s.start, s.end, key), s.count,
                Long::sum)));
        return late;
    }
}
