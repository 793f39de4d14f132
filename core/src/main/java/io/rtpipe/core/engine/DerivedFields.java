package io.rtpipe.core.engine;

import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.filter.EventExpression;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.filter.FieldLookup;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.MetricSpec;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric's derived fields ({@link MetricSpec#derived()}): evaluated after decoding into the slots past the decoded
 * ones, which every metric reuses (each computes its own just before it reads the event, so two metrics deriving one
 * name never see each other's value), and kept whole for the metric's CEL filter. Expressions read the decoded fields the decoder materialized whole, and the derived fields
 * before them. Not thread-safe: one per metric reader.
 */
final class DerivedFields {
    private final String metric;
    private final List<String> names;
    private final EventExpression[] expressions;
    private final int firstSlot;
    /** Per decoded top-level field an expression reads, its whole-value index in the selection. */
    private final Map<String, Integer> wholeValueIndexes;
    /** The event just computed: each derived field's value (null: missing), valid until the next compute. */
    private final Object[] values;
    private int computed;
    private EventFields current;
    private final FieldLookup lookup = this::lookupValue;

    /** Asks the decoder for every field the expressions read whole (and the whole event if one uses it). */
    static void select(MetricSpec spec, FieldSelection.Builder selection) {
        for (EventExpression expression : spec.derived().values()) {
            expression.fields().forEach(selection::wholeValue);
            if (expression.usesWholeEvent()) {
                selection.wholeEvent();
            }
        }
    }

    /** @param firstSlot the slot of the first derived field; the others follow it */
    DerivedFields(MetricSpec spec, FieldSelection selection, int firstSlot) {
        this.metric = spec.name();
        this.names = List.copyOf(spec.derived().keySet());
        this.expressions = spec.derived().values().toArray(EventExpression[]::new);
        this.firstSlot = firstSlot;
        this.values = new Object[names.size()];
        Map<String, Integer> indexes = new HashMap<>();
        for (EventExpression expression : expressions) {
            expression.fields().forEach(f -> indexes.put(f, selection.wholeValueIndex(f)));
        }
        this.wholeValueIndexes = Map.copyOf(indexes);
    }

    int size() {
        return names.size();
    }

    /** The slot of {@code path} if it names a derived field, else -1. */
    int slot(FieldPath path) {
        int i = path.isNested() ? -1 : names.indexOf(path.root());
        return i < 0 ? -1 : firstSlot + i;
    }

    boolean derives(String name) {
        return names.contains(name);
    }

    /** The whole value of the derived field {@code name} on the event last computed (null: missing). */
    Object value(String name) {
        return values[names.indexOf(name)];
    }

    /**
     * Evaluates every derived field on the event just decoded into {@code fields}, into their slots.
     *
     * @return null, or the dead-letter reason of the first expression that failed (the fields after it are missing)
     */
    String compute(EventFields fields) {
        Arrays.fill(values, null);
        current = fields;
        for (computed = 0; computed < expressions.length; computed++) {
            Object value;
            try {
                value = expressions[computed].evaluate(lookup, fields.wholeEvent());
            } catch (EventExpression.EvaluationException e) {
                return "derive." + names.get(computed) + " of metric " + metric + ": " + e.getMessage();
            }
            values[computed] = value;
            fields.setFromValue(firstSlot + computed, value);
        }
        return null;
    }

    /** Derived fields computed so far first, then the decoded event's whole values. */
    private Object lookupValue(String name) {
        int derived = names.indexOf(name);
        if (derived >= 0 && derived < computed) {
            return values[derived];
        }
        Integer index = wholeValueIndexes.get(name);
        return index == null || index < 0 ? null : current.wholeValue(index);
    }

    /** A lookup for the metric's filter: derived fields by name, others from the decoded event. */
    FieldLookup filterLookup(FieldLookup decoded) {
        return name -> derives(name) ? value(name) : decoded.value(name);
    }

    /** Whether {@code filter} reads a derived field (then it runs as CEL on whole values). */
    boolean readBy(EventFilter filter) {
        return filter.fields().stream().anyMatch(this::derives);
    }
}
