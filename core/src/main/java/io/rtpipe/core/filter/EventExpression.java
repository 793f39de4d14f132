package io.rtpipe.core.filter;

import dev.cel.common.CelErrorCode;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.CelVariableResolver;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A CEL expression computing one value per event (a derived field, docs/metrics.md#derived-fields), compiled once in
 * the environment filters use ({@link CelEnvironment}) and evaluated per event. Fields are exposed as for
 * {@link EventFilter}. A value is a String, Long, Double, Boolean, {@link EventFilter#JSON_NULL}, list or map (the
 * values a {@link FieldLookup} gives); an expression that reads a field the event lacks yields no value (the derived
 * field is missing, as SQL's NULL propagates); any other failure is an {@link EvaluationException} with one
 * sentence, which the engine turns into a dead letter. Evaluation runs with the filters' iteration budget
 * ({@link EventFilter#MAX_ITERATIONS}). Immutable and thread-safe.
 */
public final class EventExpression {
    private final String source;
    private final Set<String> fields;
    private final boolean usesWholeEvent;
    private final CelRuntime.Program program;

    private EventExpression(String source, CelEnvironment.Compiled compiled) {
        this.source = source;
        this.fields = compiled.fields();
        this.usesWholeEvent = compiled.usesWholeEvent();
        this.program = compiled.program();
    }

    /**
     * Parses and type-checks {@code source}; a regular expression given to {@code regexGroup} as a literal is
     * compiled too.
     *
     * @throws FilterException with CEL's first error and its column, e.g. "column 9: mismatched input ..."
     */
    public static EventExpression compile(String source) {
        return new EventExpression(source, CelEnvironment.compile(source, SimpleType.DYN));
    }

    /** The expression as written. */
    public String source() {
        return source;
    }

    /** The top-level fields the expression reads (besides {@link EventFilter#EVENT}). */
    public Set<String> fields() {
        return fields;
    }

    /** Whether the expression uses the whole event ({@value EventFilter#EVENT}). */
    public boolean usesWholeEvent() {
        return usesWholeEvent;
    }

    /**
     * Evaluates the expression on one event.
     *
     * @param lookup the event's top-level fields
     * @param event  the whole event as a map, or null if {@link #usesWholeEvent()} is false
     * @return the value, or null if the expression read a field the event lacks
     * @throws EvaluationException if it fails otherwise (a type error, a bad argument, over the budget)
     */
    public Object evaluate(FieldLookup lookup, Map<String, Object> event) {
        CelVariableResolver resolver = name -> name.equals(EventFilter.EVENT) ? Optional.ofNullable(event)
                : Optional.ofNullable(lookup.value(name));
        Object value;
        try {
            value = program.eval(resolver);
        } catch (CelEvaluationException e) {
            throw new EvaluationException(e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED
                    ? "needs more than " + EventFilter.MAX_ITERATIONS + " comprehension steps (the per-event budget)"
                    : withoutPosition(e.getMessage()));
        } catch (RuntimeException e) {
            throw new EvaluationException(CelEnvironment.oneLine(e.getMessage()));
        }
        if (value instanceof CelUnknownSet) {
            return null; // an unresolved variable: a field the event does not have
        }
        if (value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean
                || value instanceof NullValue || value instanceof List || value instanceof Map) {
            return value;
        }
        throw new EvaluationException("yields a " + value.getClass().getSimpleName()
                + ", not a string, number, boolean, list or map");
    }

    /** CEL's "evaluation error at <input>:12: " names an offset in its own terms; the expression is shown instead. */
    private static String withoutPosition(String message) {
        return CelEnvironment.oneLine(message).replaceFirst("^evaluation error at <input>:\\d+: ", "");
    }

    @Override
    public String toString() {
        return source;
    }

    /** One event on which the expression cannot be evaluated; the message is one phrase. */
    public static final class EvaluationException extends RuntimeException {
        public EvaluationException(String message) {
            super(message, null, false, false);
        }
    }
}
