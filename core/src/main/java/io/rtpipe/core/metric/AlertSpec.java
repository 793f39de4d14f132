package io.rtpipe.core.metric;

import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.filter.FilterException;
import io.rtpipe.core.result.MergedResult;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A threshold alert: {@code when}, a CEL expression over one final row (each aggregate's value by its name, and
 * {@value #KEY}, the group key as a map of group-by field to value), and {@code throttle}, how long a key stays quiet
 * after it notified. Throttling is judged from window starts alone, never from a clock, so a replay decides the same:
 * event time is cut into slots of {@code throttle} from the epoch, and per key only the first window (by start) of a
 * slot whose row meets {@code when} notifies. Throttle zero: every window whose row meets {@code when} notifies.
 */
public final class AlertSpec {
    /** The variable holding the row's group key. */
    public static final String KEY = "key";

    private final EventFilter when;
    private final Duration throttle;

    private AlertSpec(EventFilter when, Duration throttle) {
        this.when = when;
        this.throttle = throttle;
    }

    /**
     * Compiles {@code when} for a metric whose rows have the values {@code valueNames}.
     *
     * @throws FilterException with one phrase if it does not compile, names something other than those values and
     *                         {@value #KEY}, or a value is named {@value #KEY}
     */
    public static AlertSpec of(String when, Duration throttle, Set<String> valueNames) {
        Objects.requireNonNull(throttle, "throttle");
        if (throttle.isNegative()) {
            throw new IllegalArgumentException("an alert throttle cannot be negative, got " + throttle);
        }
        if (valueNames.contains(KEY)) {
            throw new FilterException("an aggregate named '" + KEY + "' hides the group key from the expression;"
                    + " rename the aggregate");
        }
        EventFilter compiled = EventFilter.compile(when);
        Set<String> unknown = new TreeSet<>(compiled.fields());
        unknown.removeAll(valueNames);
        unknown.remove(KEY);
        if (compiled.usesWholeEvent()) {
            unknown.add(EventFilter.EVENT);
        }
        if (!unknown.isEmpty()) {
            throw new FilterException("it names " + String.join(", ", unknown) + ", which is neither a value of the "
                    + "metric (" + String.join(", ", new TreeSet<>(valueNames)) + ") nor " + KEY);
        }
        return new AlertSpec(compiled, throttle);
    }

    /** The expression as written. */
    public String when() {
        return when.source();
    }

    public Duration throttle() {
        return throttle;
    }

    /** Whether {@code row} meets the condition: only a {@code true} result does (an error or a missing value not). */
    public boolean firesOn(MergedResult row) {
        Map<String, Object> variables = new HashMap<>();
        row.values().forEach((name, value) -> variables.put(name, celValue(value)));
        variables.put(KEY, Map.copyOf(row.key()));
        return when.evaluate(variables::get, null) == EventFilter.Outcome.MATCH;
    }

    /** The start of the throttle slot {@code windowStart} lies in (the window start itself without a throttle). */
    public Instant slot(Instant windowStart) {
        if (throttle.isZero()) {
            return windowStart;
        }
        long size = throttle.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(windowStart.toEpochMilli(), size) * size);
    }

    /** CEL knows Long and Double, not Integer or Float. */
    private static Object celValue(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlertSpec other && other.when().equals(when()) && other.throttle.equals(throttle);
    }

    @Override
    public int hashCode() {
        return Objects.hash(when(), throttle);
    }

    @Override
    public String toString() {
        return "alert[when=" + when() + ", throttle=" + throttle + "]";
    }
}
