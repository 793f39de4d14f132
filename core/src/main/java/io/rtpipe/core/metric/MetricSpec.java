package io.rtpipe.core.metric;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One metric: which events' time and group-by fields to use, how to cut time into windows, how late an event may
 * arrive, and what to compute per window and key. Immutable; build with {@link #builder(String)}.
 * <p>
 * The watermark of a metric on a shard is the highest event time seen on that shard minus {@link #allowedLateness()};
 * a window fires when the watermark reaches its end, and an event whose window has fired is late.
 */
public final class MetricSpec {
    /** Default allowed lateness: absorbs the usual producer batching and clock skew without delaying results much. */
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofSeconds(5);
    /** The largest allowed lateness accepted (state is kept that long behind the newest event). */
    public static final Duration MAX_ALLOWED_LATENESS = Duration.ofDays(366);
    /** Earliest event time accepted, 0001-01-01T00:00:00Z; earlier times are dead letters. */
    public static final long MIN_EVENT_TIME = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    /** Latest event time accepted, 9999-12-31T23:59:59.999Z; later times are dead letters. */
    public static final long MAX_EVENT_TIME = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    /** The event-id field the built-in metric de-duplicates on (producer retries repeat it with the event). */
    public static final String DEFAULT_DEDUP_FIELD = "event_id";

    /** The built-in metric's name. */
    public static final String EVENTS_PER_MINUTE = "events_per_minute";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private final String name;
    private final List<String> groupBy;
    private final TimestampSource timestamp;
    private final WindowAssigner windows;
    private final Duration allowedLateness;
    private final List<Aggregate> aggregates;
    private final String dedupField;

    private MetricSpec(Builder b) {
        this.name = b.name;
        this.groupBy = List.copyOf(b.groupBy);
        this.timestamp = b.timestamp;
        this.windows = b.windows;
        this.allowedLateness = b.allowedLateness;
        this.aggregates = List.copyOf(b.aggregates);
        this.dedupField = b.dedupField;
    }

    /**
     * The built-in {@code events_per_minute}: count of events per {@code type} in 1-minute tumbling windows on the
     * event-time field {@code ts}, allowed lateness {@link #DEFAULT_ALLOWED_LATENESS}, each {@code event_id} counted
     * once per window ({@link #DEFAULT_DEDUP_FIELD}).
     */
    public static MetricSpec eventsPerMinute() {
        return builder(EVENTS_PER_MINUTE).groupBy("type").dedup(DEFAULT_DEDUP_FIELD).build();
    }

    /**
     * A builder with these defaults: no group-by fields (one key per window), timestamp field {@code ts},
     * 1-minute tumbling windows, allowed lateness {@link #DEFAULT_ALLOWED_LATENESS}, aggregates [count], no dedup.
     *
     * @param name lower-case letters, digits and underscores, starting with a letter (it appears in storage keys)
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** Top-level string fields whose values form the group key, in this order. */
    public List<String> groupBy() {
        return groupBy;
    }

    public TimestampSource timestamp() {
        return timestamp;
    }

    public WindowAssigner windows() {
        return windows;
    }

    public Duration allowedLateness() {
        return allowedLateness;
    }

    public List<Aggregate> aggregates() {
        return aggregates;
    }

    /**
     * The event-id field whose value is counted once per window, or null for no de-duplication. Within one window
     * (on one shard), a record whose id (a string or integer in this field) was already taken into that window is
     * dropped as a duplicate; records without the field (or with another kind of value in it) are never dropped.
     */
    public String dedupField() {
        return dedupField;
    }

    /** The aggregate producing the value named {@code valueName}, or null. */
    public Aggregate aggregate(String valueName) {
        for (Aggregate aggregate : aggregates) {
            if (aggregate.name().equals(valueName)) {
                return aggregate;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "MetricSpec[" + name + ", groupBy=" + groupBy + ", timestamp=" + timestamp + ", windows=" + windows
                + ", allowedLateness=" + allowedLateness + ", aggregates="
                + aggregates.stream().map(Aggregate::name).toList() + ", dedup=" + dedupField + "]";
    }

    /** Builds a {@link MetricSpec}; see {@link MetricSpec#builder(String)} for the defaults. */
    public static final class Builder {
        private final String name;
        private final List<String> groupBy = new ArrayList<>();
        private TimestampSource timestamp = TimestampSource.field("ts");
        private WindowAssigner windows = TumblingWindows.of(Duration.ofMinutes(1));
        private Duration allowedLateness = DEFAULT_ALLOWED_LATENESS;
        private final List<Aggregate> aggregates = new ArrayList<>(List.of(Aggregates.count()));
        private String dedupField;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("metric name '" + name + "' must be 1-63 lower-case letters, "
                        + "digits or underscores, starting with a letter");
            }
            this.name = name;
        }

        /** Replaces the group-by fields (top-level fields holding strings). */
        public Builder groupBy(String... fields) {
            groupBy.clear();
            for (String field : fields) {
                Objects.requireNonNull(field, "group-by field");
                if (field.isEmpty() || groupBy.contains(field)) {
                    throw new IllegalArgumentException("metric " + name + ": group-by fields must be non-empty and "
                            + "distinct, got " + List.of(fields));
                }
                groupBy.add(field);
            }
            return this;
        }

        public Builder timestamp(TimestampSource timestamp) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        public Builder windows(WindowAssigner windows) {
            this.windows = Objects.requireNonNull(windows, "windows");
            return this;
        }

        /** How far behind the highest event time seen a window stays open; 0 to {@link #MAX_ALLOWED_LATENESS}. */
        public Builder allowedLateness(Duration allowedLateness) {
            Objects.requireNonNull(allowedLateness, "allowedLateness");
            if (allowedLateness.isNegative() || allowedLateness.compareTo(MAX_ALLOWED_LATENESS) > 0) {
                throw new IllegalArgumentException("metric " + name + ": allowed lateness must be between 0 and "
                        + MAX_ALLOWED_LATENESS.toDays() + " days, got " + allowedLateness);
            }
            this.allowedLateness = allowedLateness;
            return this;
        }

        /** Replaces the aggregates; names must be distinct. */
        public Builder aggregates(Aggregate... aggregates) {
            Objects.requireNonNull(aggregates, "aggregates");
            var names = new HashSet<String>();
            for (Aggregate aggregate : aggregates) {
                if (!names.add(aggregate.name())) {
                    throw new IllegalArgumentException("metric " + name + ": two aggregates are named '"
                            + aggregate.name() + "'");
                }
            }
            if (aggregates.length == 0) {
                throw new IllegalArgumentException("metric " + name + " needs at least one aggregate");
            }
            this.aggregates.clear();
            this.aggregates.addAll(List.of(aggregates));
            return this;
        }

        /** Counts each value of the top-level {@code field} once per window; null for no de-duplication. */
        public Builder dedup(String field) {
            if (field != null && field.isEmpty()) {
                throw new IllegalArgumentException("metric " + name + ": the dedup field name must not be empty");
            }
            this.dedupField = field;
            return this;
        }

        public MetricSpec build() {
            return new MetricSpec(this);
        }
    }
}
