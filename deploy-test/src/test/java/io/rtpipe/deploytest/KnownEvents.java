package io.rtpipe.deploytest;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The events the test produces, in the built-in metric's format ({@code event_id}, {@code type}, {@code ts}), and
 * their ground truth: events per type per minute, each event id once, counted here without the engine. Some lines
 * are sent twice, as a producer retry would.
 *
 * <p>The producer keeps the order of each partition key only, so on a shard a record can overtake an earlier one of
 * another key. Each minute's events therefore lie within 4 s, less than the built-in metric's 5 s of allowed
 * lateness, and are sent by their own {@code rtpipe produce} run after the previous minute's was acknowledged: no
 * event is late, and every one counts.
 */
final class KnownEvents {

    /** The first window. */
    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    /** Queries cover [T0, END): every produced event, none of the sentinels. */
    static final Instant END = T0.plus(5, ChronoUnit.MINUTES);
    /** Event time of the sentinels: far enough past END that every window before it fires on every shard. */
    static final Instant SENTINEL_TIME = T0.plus(10, ChronoUnit.MINUTES);

    private static final List<String> TYPES = List.of("click", "view", "purchase", "signup");
    private static final long SPAN_MILLIS = 4_000;

    private final List<String> runs = new ArrayList<>();
    private final Map<String, Long> counts = new TreeMap<>();

    /** {@code perMinute} events in each of {@code minutes} minutes from {@link #T0}. */
    KnownEvents(int minutes, int perMinute) {
        for (int m = 0; m < minutes; m++) {
            Instant minute = T0.plus(m, ChronoUnit.MINUTES);
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < perMinute; i++) {
                Instant ts = minute.plusMillis(i * SPAN_MILLIS / perMinute);
                String type = TYPES.get((i * 7 + i / 5 + m) % TYPES.size());
                String line = line("e-" + m + "-" + i, type, ts) + "\n";
                lines.append(line);
                if (i % 25 == 0) {
                    lines.append(line);
                }
                counts.merge(key(minute.toString(), type), 1L, Long::sum);
            }
            runs.add(lines.toString());
        }
    }

    /** JSON lines for {@code rtpipe produce --source stdin}, one string per run, in order. */
    List<String> runs() {
        return runs;
    }

    /** Expected count per {@link #key(String, String) window and type}. */
    Map<String, Long> counts() {
        return counts;
    }

    /** One sentinel event per event id given (ids chosen by the test to reach every shard). */
    static String sentinels(List<String> eventIds) {
        StringBuilder out = new StringBuilder();
        eventIds.forEach(id -> out.append(line(id, "sentinel", SENTINEL_TIME)).append('\n'));
        return out.toString();
    }

    static String key(String windowStart, String type) {
        return windowStart + " " + type;
    }

    private static String line(String id, String type, Instant ts) {
        return "{\"event_id\":\"" + id + "\",\"type\":\"" + type + "\",\"ts\":" + ts.toEpochMilli() + "}";
    }
}
