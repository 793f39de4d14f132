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
 */
final class KnownEvents {

    /** The first window; the events span three minutes from here. */
    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    /** Queries cover [T0, END): every produced event, none of the sentinels. */
    static final Instant END = T0.plus(5, ChronoUnit.MINUTES);
    /** Event time of the sentinels: far enough past END that every window before it fires on every shard. */
    static final Instant SENTINEL_TIME = T0.plus(10, ChronoUnit.MINUTES);

    private static final List<String> TYPES = List.of("click", "view", "purchase", "signup");

    private final List<String> lines = new ArrayList<>();
    private final Map<String, Long> counts = new TreeMap<>();

    KnownEvents(int events) {
        for (int i = 0; i < events; i++) {
            Instant ts = T0.plusMillis(i * 180_000L / events);
            String type = TYPES.get((i * 7 + i / 5) % TYPES.size());
            String line = line("e-" + i, type, ts);
            lines.add(line);
            if (i % 25 == 0) {
                lines.add(line);
            }
            counts.merge(key(ts.truncatedTo(ChronoUnit.MINUTES).toString(), type), 1L, Long::sum);
        }
    }

    /** JSON lines for {@code rtpipe produce --source stdin}. */
    String lines() {
        return String.join("\n", lines) + "\n";
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
