package io.rtpipe.core.engine;

import io.rtpipe.core.aggregate.AggregateState;
import io.rtpipe.core.aggregate.ValueInput;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldKind;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Reads what one metric needs from a decoded event: whether the filter takes it, its event time, group key and event
 * id, and the values its aggregates add; or the dead-letter reason if a field it needs is missing or of the wrong type.
 */
final class MetricReader {
    private static final Object GLOBAL_KEY = List.of();
    /** The overflow bucket's key: no event's key equals it (real values are Strings or Lists of them). */
    private static final Object OVERFLOW = new Object() {
        @Override
        public String toString() {
            return MetricSpec.OVERFLOW_KEY;
        }
    };

    private final MetricSpec spec;
    /** The metric's derived fields, or null if it has none. */
    private final DerivedFields derived;
    private final FilterEvaluator filter;
    private final EventTimeReader timeReader;
    private final int timestampSlot;
    private final String[] groupFields;
    private final int[] groupSlots;
    private final int dedupSlot;
    private final AggregateSpec[] aggregates;
    private final int[] aggregateSlots;
    /** Per aggregate, the slots of its list of fields ({@link ValueInput#VECTOR}), else null. */
    private final int[][] vectorSlots;
    /** Per aggregate, the point passed to addVector (reused: states copy what they keep), else null. */
    private final double[][] vectors;
    private final ValueInput[] inputs;
    /** Hashed into the seed of every state, with the metric's name: a shard's states draw numbers of their own. */
    private final String shardId;

    // The event just read: valid until the next read.
    long eventTime;
    Object key;
    /** The event's id for de-duplication (a String or a Long), or null. */
    Object id;

    /** Adds every field this metric reads to {@code selection} (derived fields are read by their expressions). */
    static void select(MetricSpec spec, FieldSelection.Builder selection) {
        DerivedFields.select(spec, selection);
        Consumer<FieldPath> decoded = path -> {
            if (path.isNested() || !spec.derived().containsKey(path.root())) {
                selection.path(path);
            }
        };
        if (spec.filter() != null) {
            FilterEvaluator.select(spec.filter(), selection,
                    spec.filter().fields().stream().anyMatch(spec.derived()::containsKey));
        }
        if (spec.timestamp() instanceof TimestampSource.EventTimeField field) {
            decoded.accept(field.field());
        }
        spec.groupBy().forEach(decoded);
        if (spec.dedupField() != null) {
            decoded.accept(spec.dedupField());
        }
        for (AggregateSpec aggregate : spec.aggregates()) {
            if (aggregate.field() != null) {
                decoded.accept(aggregate.field());
            }
            aggregate.fields().forEach(decoded);
        }
    }

    /** Derived fields go into the slots past the selection's (the engine's {@link EventFields} has enough). */
    MetricReader(MetricSpec spec, FieldSelection selection, String shardId) {
        this.spec = spec;
        this.shardId = shardId;
        derived = spec.derived().isEmpty() ? null : new DerivedFields(spec, selection, selection.paths().size());
        ToIntFunction<FieldPath> slots = derived == null ? selection::slot
                : path -> derived.slot(path) >= 0 ? derived.slot(path) : selection.slot(path);
        filter = spec.filter() == null ? null : new FilterEvaluator(spec.filter(), selection, derived);
        if (spec.timestamp() instanceof TimestampSource.EventTimeField field) {
            timeReader = new EventTimeReader(field);
            timestampSlot = slots.applyAsInt(field.field());
        } else {
            timeReader = null;
            timestampSlot = -1;
        }
        groupFields = spec.groupBy().stream().map(FieldPath::toString).toArray(String[]::new);
        groupSlots = spec.groupBy().stream().mapToInt(slots).toArray();
        dedupSlot = spec.dedupField() == null ? -1 : slots.applyAsInt(spec.dedupField());
        aggregates = spec.aggregates().toArray(AggregateSpec[]::new);
        aggregateSlots = new int[aggregates.length];
        inputs = new ValueInput[aggregates.length];
        vectorSlots = new int[aggregates.length][];
        vectors = new double[aggregates.length][];
        for (int a = 0; a < aggregates.length; a++) {
            aggregateSlots[a] = aggregates[a].field() == null ? -1 : slots.applyAsInt(aggregates[a].field());
            inputs[a] = aggregates[a].field() == null ? ValueInput.NONE : aggregates[a].aggregator().input();
            if (!aggregates[a].fields().isEmpty()) {
                inputs[a] = ValueInput.VECTOR;
                vectorSlots[a] = aggregates[a].fields().stream().mapToInt(slots).toArray();
                vectors[a] = new double[vectorSlots[a].length];
            }
        }
    }

    MetricSpec spec() {
        return spec;
    }

    /**
     * Computes the metric's derived fields on the event just decoded (first: everything else reads them).
     *
     * @return null, or the dead-letter reason if an expression failed on this event
     */
    String derive(EventFields fields) {
        return derived == null ? null : derived.compute(fields);
    }

    /** The key events of group keys beyond the cap are aggregated under. */
    Object overflowKey() {
        return OVERFLOW;
    }

    /** A group key's values in group-by order (none for the global key), or null for the overflow key. */
    String[] keyValues(Object key) {
        if (key == OVERFLOW) {
            return null;
        }
        return switch (groupFields.length) {
            case 0 -> new String[0];
            case 1 -> new String[] {(String) key};
            default -> ((List<?>) key).toArray(String[]::new);
        };
    }

    /** The group key {@link #keyValues} gave {@code values} for (null: the overflow key). */
    Object keyOf(String[] values) {
        if (values == null) {
            return OVERFLOW;
        }
        if (values.length != groupFields.length) {
            throw new IllegalArgumentException("a key of metric " + spec.name() + " has " + groupFields.length
                    + " group-by values, found " + values.length);
        }
        return switch (values.length) {
            case 0 -> GLOBAL_KEY;
            case 1 -> values[0];
            default -> List.of(values);
        };
    }

    /** The states of one window and key restored from their partials ({@link #partials} order, null: empty). */
    AggregateState[] statesOf(Object[] partials) {
        if (partials.length != aggregates.length) {
            throw new IllegalArgumentException("a window of metric " + spec.name() + " has " + aggregates.length
                    + " aggregates, found " + partials.length);
        }
        AggregateState[] states = new AggregateState[aggregates.length];
        for (int a = 0; a < states.length; a++) {
            states[a] = aggregates[a].aggregator().fromPartial(partials[a]);
        }
        return states;
    }

    /** What the metric's filter says of the event ({@code MATCH} without a filter). */
    EventFilter.Outcome filter(EventFields fields) {
        return filter == null ? EventFilter.Outcome.MATCH : filter.evaluate(fields);
    }

    /** The dead-letter reason of an event the filter could not decide within its budget. */
    String overBudgetReason() {
        return "filter of metric " + spec.name() + ": needs more than " + EventFilter.MAX_ITERATIONS
                + " comprehension steps on this event (the per-event budget), not evaluated";
    }

    /**
     * Reads the event time ({@link #eventTime}). Read before the filter: the watermark follows every record whose time
     * the metric can read, also those its filter rejects.
     *
     * @return null if the event time is usable, else the dead-letter reason
     */
    String readTime(EventFields fields, InputRecord record) {
        if (timestampSlot < 0) {
            eventTime = record.arrivalMillis();
            if (eventTime < MetricSpec.MIN_EVENT_TIME || eventTime > MetricSpec.MAX_EVENT_TIME) {
                return "arrival time: " + eventTime + EventTimeReader.OUT_OF_RANGE;
            }
        } else {
            String problem = timeReader.read(fields, timestampSlot, record.arrivalMillis());
            if (problem != null) {
                return problem;
            }
            eventTime = timeReader.millis();
        }
        return null;
    }

    /**
     * Reads the group key and id, and checks the aggregated fields' types (after {@link #readTime} succeeded).
     *
     * @return null if the event has what the metric needs, else the dead-letter reason
     */
    String readFields(EventFields fields) {
        for (int i = 0; i < groupSlots.length; i++) {
            FieldKind kind = fields.kind(groupSlots[i]);
            // Text decoders keep the text of numbers and booleans: such values group as written.
            boolean asText = fields.text(groupSlots[i]) != null
                    && (kind == FieldKind.INTEGER || kind == FieldKind.DECIMAL || kind == FieldKind.BOOLEAN);
            if (kind != FieldKind.STRING && !asText) {
                return groupFields[i] + (kind == FieldKind.MISSING ? ": missing"
                        : ": expected a string, found " + kind.description());
            }
        }
        for (int a = 0; a < aggregateSlots.length; a++) {
            String problem = checkValue(a, fields);
            if (problem != null) {
                return problem;
            }
        }
        key = switch (groupSlots.length) {
            case 0 -> GLOBAL_KEY;
            case 1 -> fields.text(groupSlots[0]);
            default -> {
                String[] values = new String[groupSlots.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = fields.text(groupSlots[i]);
                }
                yield List.of(values);
            }
        };
        id = dedupSlot < 0 ? null : switch (fields.kind(dedupSlot)) {
            case STRING -> fields.text(dedupSlot);
            case INTEGER -> fields.longValue(dedupSlot);
            default -> null; // no usable id: never treated as a duplicate
        };
        return null;
    }

    private String checkValue(int a, EventFields fields) {
        if (inputs[a] == ValueInput.NONE) {
            return null;
        }
        if (inputs[a] == ValueInput.VECTOR) {
            for (int f = 0; f < vectorSlots[a].length; f++) {
                String problem = checkValue(aggregates[a].fields().get(f), vectorSlots[a][f], ValueInput.NUMBER,
                        fields);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        return checkValue(aggregates[a].field(), aggregateSlots[a], inputs[a], fields);
    }

    private static String checkValue(FieldPath field, int slot, ValueInput input, EventFields fields) {
        FieldKind kind = fields.kind(slot);
        switch (kind) {
            case MISSING, NULL, INTEGER:
                return null;
            case INTEGER_TOO_LARGE, DECIMAL:
                // 1e400 parses as Infinity: no aggregate can use it, and a sketch would throw on it at every replay.
                double value = fields.doubleValue(slot);
                if (Double.isFinite(value) || input == ValueInput.ANY) {
                    return null;
                }
                return field + ": " + (Double.isNaN(value) ? "not a number"
                        : "outside the range of a 64-bit floating-point number") + ", not aggregated";
            case STRING, BOOLEAN:
                return input == ValueInput.ANY ? null
                        : field + ": expected a number, found " + kind.description();
            default:
                return field + ": expected " + (input == ValueInput.ANY
                        ? "a string, number or boolean" : "a number") + ", found " + kind.description();
        }
    }

    /**
     * Fresh states for a new window (or session) starting at {@code windowStart} and {@code key}, each seeded from
     * the metric, aggregate, key, shard and start: the same on every replay, different for every state.
     */
    AggregateState[] newStates(Object key, long windowStart) {
        AggregateState[] states = new AggregateState[aggregates.length];
        long seed = hash(hash(hash(hash(FNV_OFFSET, spec.name()), String.valueOf(key)), shardId),
                Long.toString(windowStart));
        for (int a = 0; a < states.length; a++) {
            states[a] = aggregates[a].aggregator().newState(hash(seed, aggregates[a].name()));
        }
        return states;
    }

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    /** 64-bit FNV-1a over the text's chars and a separator: stable across JVMs, unlike a salted hash. */
    private static long hash(long h, String text) {
        for (int i = 0; i < text.length(); i++) {
            h = (h ^ text.charAt(i)) * 0x100000001b3L;
        }
        return (h ^ 0xffff) * 0x100000001b3L;
    }

    /** Adds the event last {@link #read} to one window's states (missing and null values are skipped). */
    void addTo(AggregateState[] states, EventFields fields, RecordPosition position) {
        for (int a = 0; a < states.length; a++) {
            AggregateState state = states[a];
            if (inputs[a] == ValueInput.NONE) {
                state.addEvent(eventTime, position);
                continue;
            }
            if (inputs[a] == ValueInput.VECTOR) {
                addVector(a, state, fields, position);
                continue;
            }
            int slot = aggregateSlots[a];
            switch (fields.kind(slot)) {
                case INTEGER -> state.addLong(fields.longValue(slot), eventTime, position);
                case DECIMAL, INTEGER_TOO_LARGE -> state.addDouble(fields.doubleValue(slot), eventTime, position);
                case STRING -> state.addString(fields.text(slot), eventTime, position);
                case BOOLEAN -> state.addString(fields.longValue(slot) == 1 ? "true" : "false", eventTime, position);
                default -> {
                    // missing or null: skipped, like NULL in SQL aggregates
                }
            }
        }
    }

    /** Adds the point of a list of fields; an event missing one (or holding null) is skipped, like NULL in SQL. */
    private void addVector(int a, AggregateState state, EventFields fields, RecordPosition position) {
        double[] point = vectors[a];
        for (int f = 0; f < point.length; f++) {
            int slot = vectorSlots[a][f];
            switch (fields.kind(slot)) {
                case INTEGER -> point[f] = fields.longValue(slot);
                case DECIMAL, INTEGER_TOO_LARGE -> point[f] = fields.doubleValue(slot);
                default -> {
                    return;
                }
            }
        }
        state.addVector(point, eventTime, position);
    }

    /** The partial values to write: aggregate name to partial; aggregates with no value yet are left out. */
    Map<String, Object> partials(AggregateState[] states) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int a = 0; a < states.length; a++) {
            Object partial = states[a].partial();
            if (partial != null) {
                values.put(aggregates[a].name(), partial);
            }
        }
        return values;
    }

    /**
     * The group key as written in results: group-by path to value. The overflow bucket has {@link
     * MetricSpec#OVERFLOW_KEY} in every field; a real value that reads like it gets one more leading backslash
     * ({@link MetricSpec#escapeKeyValue}), so the two never share a results item.
     */
    Map<String, String> keyMap(Object key) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < groupFields.length; i++) {
            String value = key == OVERFLOW ? MetricSpec.OVERFLOW_KEY
                    : MetricSpec.escapeKeyValue((String) (groupFields.length == 1 ? key : ((List<?>) key).get(i)));
            map.put(groupFields[i], value);
        }
        return map;
    }
}
