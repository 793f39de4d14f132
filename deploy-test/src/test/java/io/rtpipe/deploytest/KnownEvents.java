package io.rtpipe.deploytest;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The events the test produces, in the built-in metric's format ({@code event_id}, {@code type}, {@code ts}) with a
 * {@code region} and an integer {@code amount} for the spec of {@code amount-by-region.yaml}, and their ground truth,
 * computed here without the engine, each event id once: events per type per minute, and per region per minute the
 * sum of amounts and the number of events. Some lines are sent twice, as a producer retry would.
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
    private static final List<String> REGIONS = List.of("eu", "us", "apac");
    private static final long SPAN_MILLIS = 4_000;

    private final List<String> runs = new ArrayList<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, String> amountsByRegion = new TreeMap<>();

    /** {@code perMinute} events in each of {@code minutes} minutes from {@link #T0}. */
    KnownEvents(int minutes, int perMinute) {
        Map<String, long[]> sums = new TreeMap<>();
        for (int m = 0; m < minutes; m++) {
            Instant minute = T0.plus(m, ChronoUnit.MINUTES);
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < perMinute; i++) {
                Instant ts = minute.plusMillis(i * SPAN_MILLIS / perMinute);
                String type = TYPES.get((i * 7 + i / 5 + m) % TYPES.size());
                String region = REGIONS.get((i * 5 + i / 3 + m) % REGIONS.size());
                long amount = (i * 37L + m * 11L) % 100 + 1;
                String line = line("e-" + m + "-" + i, type, ts, region, amount) + "\n";
                lines.append(line);
                if (i % 25 == 0) {
                    lines.append(line);
                }
                counts.merge(key(minute.toString(), type), 1L, Long::sum);
                sums.merge(key(minute.toString(), region), new long[] {amount, 1},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
            runs.add(lines.toString());
        }
        sums.forEach((key, s) -> amountsByRegion.put(key, amountValues(s[0], s[1])));
    }

    /** JSON lines for {@code rtpipe produce --source stdin}, one string per run, in order. */
    List<String> runs() {
        return runs;
    }

    /** Expected count per {@link #key(String, String) window and type}. */
    Map<String, Long> counts() {
        return counts;
    }

    /**
     * Expected values of {@code amount_by_region} per {@link #key(String, String) window and region}, as
     * {@link #amountValues}.
     */
    Map<String, String> amountsByRegion() {
        return amountsByRegion;
    }

    /** The values of one {@code amount_by_region} result, as the test compares them. */
    static String amountValues(long amount, long orders) {
        return "amount=" + amount + " orders=" + orders;
    }

    /** One sentinel event per event id given (ids chosen by the test to reach every shard). */
    static String sentinels(List<String> eventIds) {
        StringBuilder out = new StringBuilder();
        eventIds.forEach(id -> out.append(line(id, "sentinel", SENTINEL_TIME, "sentinel", 0)).append('\n'));
        return out.toString();
    }

    static String key(String windowStart, String type) {
        return windowStart + " " + type;
    }

    private static String line(String id, String type, Instant ts, String region, long amount) {
        return "{\"event_id\":\"" + id + "\",\"type\":\"" + type + "\",\"ts\":" + ts.toEpochMilli()
                + ",\"region\":\"" + region + "\",\"amount\":" + amount + "}";
    }
}
