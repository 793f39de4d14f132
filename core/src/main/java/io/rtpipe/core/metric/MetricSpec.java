package io.rtpipe.core.metric;

import io.rtpipe.core.filter.EventExpression;
import io.rtpipe.core.filter.EventFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * One metric: which events count (filter), their time and group key, how time is cut into windows, how late an event
 * may arrive, which event id de-duplicates, and what to compute per window and key. Immutable; build with
 * {@link #builder(String)} or load from YAML with {@code io.rtpipe.core.spec.SpecLoader}.
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
    /** Default cap on group keys per window (session metrics: per gap-long slice of event time) on one shard. */
    public static final int DEFAULT_MAX_KEYS_PER_WINDOW = 100_000;
    /**
     * The group-key value every group-by field takes for events whose key did not fit under the cap: once a window
     * holds {@link #maxKeysPerWindow()} keys, events of further new keys are aggregated under this key. A real value
     * that reads like it is written escaped ({@link #escapeKeyValue}).
     */
    public static final String OVERFLOW_KEY = "__overflow__";

    /** The built-in metric's name. */
    public static final String EVENTS_PER_MINUTE = "events_per_minute";
    /** The event-id field the built-in metric de-duplicates on (producer retries repeat it with the event). */
    public static final String DEFAULT_DEDUP_FIELD = "event_id";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** A derived field's name: a CEL identifier, so that expressions and filters can read it. */
    private static final Pattern DERIVED_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final String name;
    private final Map<String, EventExpression> derived;
    private final EventFilter filter;
    private final List<FieldPath> groupBy;
    private final TimestampSource timestamp;
    private final WindowSpec windows;
    private final Duration allowedLateness;
    private final FieldPath dedupField;
    private final List<AggregateSpec> aggregates;
    private final int maxKeysPerWindow;
    private final List<OutputSpec> outputs;
    private final AlertSpec alert;

    private MetricSpec(Builder b) {
        this.name = b.name;
        this.derived = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.derived));
        this.filter = b.filter;
        this.groupBy = List.copyOf(b.groupBy);
        this.timestamp = b.timestamp;
        this.windows = b.windows;
        this.allowedLateness = b.allowedLateness;
        this.dedupField = b.dedupField;
        this.aggregates = List.copyOf(b.aggregates);
        this.maxKeysPerWindow = b.maxKeysPerWindow;
        this.outputs = List.copyOf(b.outputs);
        this.alert = b.alert;
        String problem = outputsProblem(outputs, alert);
        if (problem != null) {
            throw new IllegalArgumentException("metric " + name + " needs " + problem);
        }
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
     * A builder with these defaults: no filter, no group-by fields (one key per window), timestamp field {@code ts},
     * 1-minute tumbling windows, allowed lateness {@link #DEFAULT_ALLOWED_LATENESS}, aggregates [count], no dedup,
     * {@link #DEFAULT_MAX_KEYS_PER_WINDOW} keys per window.
     *
     * @param name lower-case letters, digits and underscores, starting with a letter (it appears in storage keys)
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** What a derived field's name must be, for messages. */
    public static final String DERIVED_NAME_RULE = "1-63 letters, digits or underscores, not starting with a digit, "
            + "other than event and math";

    /** Whether {@code name} can name a derived field ({@link #DERIVED_NAME_RULE}). */
    public static boolean isValidDerivedName(String name) {
        return name != null && DERIVED_NAME.matcher(name).matches() && !name.equals(EventFilter.EVENT)
                && !name.equals("math");
    }

    /** Whether {@code name} is a valid metric or aggregate name. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    public String name() {
        return name;
    }

    /**
     * The fields computed per event after decoding, by name, in evaluation order: each expression reads the decoded
     * event and the derived fields before it; the filter, group-by, event time, dedup and aggregates read a derived
     * field by its name as if the event held it (hiding a decoded field of the same name). Empty for none.
     */
    public Map<String, EventExpression> derived() {
        return derived;
    }

    /** Which events this metric takes; null for all. */
    public EventFilter filter() {
        return filter;
    }

    /** The fields whose values (strings) form the group key, in this order; result keys are named by path. */
    public List<FieldPath> groupBy() {
        return groupBy;
    }

    public TimestampSource timestamp() {
        return timestamp;
    }

    public WindowSpec windows() {
        return windows;
    }

    public Duration allowedLateness() {
        return allowedLateness;
    }

    /**
     * The event-id field whose value is counted once per window, or null for no de-duplication. Within one window
     * (on one shard), a record whose id (a string or integer in this field) was already taken into that window is
     * dropped as a duplicate; records without the field (or with another kind of value in it) are never dropped.
     */
    public FieldPath dedupField() {
        return dedupField;
    }

    public List<AggregateSpec> aggregates() {
        return aggregates;
    }

    /** The aggregate producing the value named {@code valueName}, or null. */
    public AggregateSpec aggregate(String valueName) {
        for (AggregateSpec aggregate : aggregates) {
            if (aggregate.name().equals(valueName)) {
                return aggregate;
            }
        }
        return null;
    }

    /**
     * A real group-key value as results hold it: a value of zero or more backslashes followed by {@link #OVERFLOW_KEY}
     * gets one more leading backslash ({@code __overflow__} is written {@code \__overflow__}), every other value is
     * unchanged. Injective, so no real key is written as the overflow bucket's or as another real key.
     */
    public static String escapeKeyValue(String value) {
        if (!value.endsWith(OVERFLOW_KEY)) {
            return value;
        }
        for (int i = value.length() - OVERFLOW_KEY.length() - 1; i >= 0; i--) {
            if (value.charAt(i) != '\\') {
                return value;
            }
        }
        return "\\" + value;
    }

    /** At most this many group keys per window on one shard; further new keys go to {@link #OVERFLOW_KEY}. */
    public int maxKeysPerWindow() {
        return maxKeysPerWindow;
    }

    /**
     * Where the final rows and alerts go, in spec order (empty: nowhere but the results table). Not part of the
     * {@link #definition()}: outputs change where results go, not what they are.
     */
    public List<OutputSpec> outputs() {
        return outputs;
    }

    /** The threshold alert, or null; its notifications go to the {@link OutputSpec.Kind#carriesAlerts()} outputs. */
    public AlertSpec alert() {
        return alert;
    }

    /**
     * What a metric with these outputs and alert lacks, as the phrase after "needs", or null if they fit: an alert
     * needs an output that carries alerts (sns or eventbridge), and such an output needs an alert to carry.
     */
    public static String outputsProblem(List<OutputSpec> outputs, AlertSpec alert) {
        boolean alertOutput = outputs.stream().anyMatch(output -> output.kind().carriesAlerts());
        if (alert != null && !alertOutput) {
            return "an sns or eventbridge output for its alert's notifications";
        }
        if (alert == null && alertOutput) {
            return "an alert for its sns or eventbridge outputs to carry (they get alerts, not every row)";
        }
        if (new HashSet<>(outputs).size() != outputs.size()) {
            return "each output listed once";
        }
        return null;
    }

    /**
     * What the metric's stored progress and results mean, component by component (derive, filter, group_by,
     * timestamp, window, allowed_lateness, dedup, aggregates, max_keys_per_window) as canonical text: equal for equal
     * definitions however they were written. The name is not part of it: a renamed metric is a new metric.
     * {@code derive} is there only when the metric has derived fields, so that the definitions (and fingerprints)
     * of metrics without any stay what they were before derived fields existed.
     */
    public Map<String, String> definition() {
        Map<String, String> definition = new LinkedHashMap<>();
        if (!derived.isEmpty()) {
            definition.put("derive", derived.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().source())
                    .toList().toString());
        }
        definition.put("filter", filter == null ? "" : filter.source());
        definition.put("group_by", groupBy.toString());
        definition.put("timestamp", timestamp.toString());
        definition.put("window", windows.toString());
        definition.put("allowed_lateness", allowedLateness.toString());
        definition.put("dedup", dedupField == null ? "" : dedupField.toString());
        definition.put("aggregates", aggregates.stream()
                .map(a -> a.name() + "=" + a.fn() + "(" + (a.field() != null ? a.field()
                        : a.fields().stream().map(FieldPath::toString).collect(Collectors.joining(","))) + ")"
                        + new TreeMap<>(a.params()))
                .toList().toString());
        definition.put("max_keys_per_window", Integer.toString(maxKeysPerWindow));
        return definition;
    }

    /** A stable hash of {@link #definition()}: 16 hex digits of its SHA-256. */
    public String fingerprint() {
        return fingerprint(definition());
    }

    /** The fingerprint of a {@link #definition()} (for one read back from a store). */
    public static String fingerprint(Map<String, String> definition) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(definition).forEach((component, value) -> canonical.append(component).append('=')
                .append(value.length()).append(':').append(value).append('\n'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * The components of {@code stored} that differ from this metric's definition, as one phrase, e.g.
     * {@code "allowed_lateness: stored PT1M, now PT10S"}; empty if none does.
     */
    public String differencesFrom(Map<String, String> stored) {
        List<String> differences = new ArrayList<>();
        Map<String, String> now = definition();
        for (String component : now.keySet()) {
            String before = stored.get(component);
            if (!now.get(component).equals(before)) {
                differences.add(component + ": stored " + (before == null ? "nothing" : show(before)) + ", now "
                        + show(now.get(component)));
            }
        }
        return String.join("; ", differences);
    }

    private static String show(String value) {
        return value.isEmpty() ? "none" : value;
    }

    @Override
    public String toString() {
        return "MetricSpec[" + name + (derived.isEmpty() ? "" : ", derive=" + derived) + (filter == null ? "" : ", filter=" + filter) + ", groupBy=" + groupBy
                + ", timestamp=" + timestamp + ", windows=" + windows + ", allowedLateness=" + allowedLateness
                + ", aggregates=" + aggregates.stream().map(AggregateSpec::name).toList() + ", dedup=" + dedupField
                + ", maxKeysPerWindow=" + maxKeysPerWindow + (outputs.isEmpty() ? "" : ", outputs=" + outputs)
                + (alert == null ? "" : ", " + alert) + "]";
    }

    /** Builds a {@link MetricSpec}; see {@link MetricSpec#builder(String)} for the defaults. */
    public static final class Builder {
        private final String name;
        private final Map<String, EventExpression> derived = new LinkedHashMap<>();
        private EventFilter filter;
        private final List<FieldPath> groupBy = new ArrayList<>();
        private TimestampSource timestamp = TimestampSource.field("ts");
        private WindowSpec windows = TumblingWindows.of(Duration.ofMinutes(1));
        private Duration allowedLateness = DEFAULT_ALLOWED_LATENESS;
        private final List<AggregateSpec> aggregates = new ArrayList<>(List.of(AggregateSpec.count()));
        private FieldPath dedupField;
        private int maxKeysPerWindow = DEFAULT_MAX_KEYS_PER_WINDOW;
        private final List<OutputSpec> outputs = new ArrayList<>();
        private AlertSpec alert;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!isValidName(name)) {
                throw new IllegalArgumentException("metric name '" + name + "' must be 1-63 lower-case letters, "
                        + "digits or underscores, starting with a letter");
            }
            this.name = name;
        }

        /**
         * Adds a field computed per event by {@code expression} (see {@link MetricSpec#derived()}).
         *
         * @param field a CEL identifier other than {@value EventFilter#EVENT} and {@code math}, each once
         */
        public Builder derive(String field, EventExpression expression) {
            Objects.requireNonNull(expression, "expression");
            if (!isValidDerivedName(field)) {
                throw new IllegalArgumentException("metric " + name + ": derived field name '" + field + "' must be "
                        + DERIVED_NAME_RULE);
            }
            if (derived.putIfAbsent(field, expression) != null) {
                throw new IllegalArgumentException("metric " + name + ": the field '" + field + "' is derived twice");
            }
            return this;
        }

        /** Only events for which {@code filter} is true count; null for all. */
        public Builder filter(EventFilter filter) {
            this.filter = filter;
            return this;
        }

        /** Replaces the group-by fields (paths such as "page" or "user.country", holding strings). */
        public Builder groupBy(String... paths) {
            List<FieldPath> parsed = new ArrayList<>();
            for (String path : paths) {
                parsed.add(FieldPath.parse(Objects.requireNonNull(path, "group-by field")));
            }
            return groupBy(parsed);
        }

        /** Replaces the group-by fields. */
        public Builder groupBy(List<FieldPath> paths) {
            if (new HashSet<>(paths).size() != paths.size()) {
                throw new IllegalArgumentException("metric " + name + ": group-by fields must be distinct, got "
                        + paths);
            }
            groupBy.clear();
            groupBy.addAll(paths);
            return this;
        }

        public Builder timestamp(TimestampSource timestamp) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        public Builder windows(WindowSpec windows) {
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

        /** Counts each value of the field at {@code path} once per window; null for no de-duplication. */
        public Builder dedup(String path) {
            this.dedupField = path == null ? null : FieldPath.parse(path);
            return this;
        }

        /** Replaces the aggregates; names must be valid and distinct. */
        public Builder aggregates(AggregateSpec... aggregates) {
            return aggregates(List.of(aggregates));
        }

        /** Replaces the aggregates; names must be valid and distinct. */
        public Builder aggregates(List<AggregateSpec> aggregates) {
            var names = new HashSet<String>();
            for (AggregateSpec aggregate : aggregates) {
                if (!isValidName(aggregate.name())) {
                    throw new IllegalArgumentException("metric " + name + ": aggregate name '" + aggregate.name()
                            + "' must be 1-63 lower-case letters, digits or underscores, starting with a letter");
                }
                if (!names.add(aggregate.name())) {
                    throw new IllegalArgumentException("metric " + name + ": two aggregates are named '"
                            + aggregate.name() + "'");
                }
            }
            if (aggregates.isEmpty()) {
                throw new IllegalArgumentException("metric " + name + " needs at least one aggregate");
            }
            this.aggregates.clear();
            this.aggregates.addAll(aggregates);
            return this;
        }

        /** Caps the group keys per window (at least 1); see {@link MetricSpec#OVERFLOW_KEY}. */
        public Builder maxKeysPerWindow(int maxKeys) {
            if (maxKeys < 1) {
                throw new IllegalArgumentException("metric " + name + ": max keys per window must be at least 1, got "
                        + maxKeys);
            }
            this.maxKeysPerWindow = maxKeys;
            return this;
        }

        /** Replaces the outputs; see {@link MetricSpec#outputsProblem} for how they must fit the alert. */
        public Builder outputs(List<OutputSpec> outputs) {
            this.outputs.clear();
            this.outputs.addAll(outputs);
            return this;
        }

        /** The threshold alert; null for none. */
        public Builder alert(AlertSpec alert) {
            this.alert = alert;
            return this;
        }

        public MetricSpec build() {
            List<FieldPath> read = new ArrayList<>(groupBy);
            if (timestamp instanceof TimestampSource.EventTimeField field) {
                read.add(field.field());
            }
            if (dedupField != null) {
                read.add(dedupField);
            }
            for (AggregateSpec aggregate : aggregates) {
                if (aggregate.field() != null) {
                    read.add(aggregate.field());
                }
                read.addAll(aggregate.fields());
            }
            for (FieldPath path : read) {
                if (path.segments().size() > 1 && derived.containsKey(path.segments().get(0))) {
                    throw new IllegalArgumentException("metric " + name + ": " + path + " is a path into the derived "
                            + "field " + path.segments().get(0) + ", and derived fields are read whole; derive "
                            + path.segments().get(path.segments().size() - 1) + " itself instead");
                }
            }
            return new MetricSpec(this);
        }
    }
}
