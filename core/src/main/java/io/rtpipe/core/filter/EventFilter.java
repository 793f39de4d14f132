package io.rtpipe.core.filter;

import dev.cel.common.CelErrorCode;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A CEL (Common Expression Language) boolean expression over an event, compiled once and evaluated per event.
 * <p>
 * How fields are exposed: every top-level field the expression names is a variable of type {@code dyn}
 * ({@code type == 'purchase' && amount > 0}); nested fields are selected from it ({@code user.country == 'DE'}).
 * The variable {@value #EVENT} is the whole event as {@code map(string, dyn)}, for presence tests
 * ({@code has(event.coupon)}) and for names that are not CEL identifiers ({@code event['user-id']}).
 * Integers and decimals compare with each other ({@code amount > 0} works for 12.5). The functions are those of
 * {@link CelEnvironment}: CEL's standard ones, its strings and math extensions, and three of rtpipe's.
 * <p>
 * An event matches only if the expression evaluates to {@code true}. Any other outcome - a referenced field missing,
 * a type error such as {@code 'a' > 1} at run time, an exception - means "no match", like a NULL in an SQL WHERE.
 * CEL has no side effects, but its comprehension macros ({@code all}, {@code exists}, {@code map}, {@code filter})
 * are loops, and nested ones over one event's lists multiply: three levels over 1,000 tags are 10^9 steps (8 s were
 * seen on a 16 KB event). CEL does not bound that by default, so every evaluation runs with CEL's own iteration
 * budget ({@code comprehensionMaxIterations}, {@value #MAX_ITERATIONS} steps of all comprehensions together): an
 * event that needs more is {@link Outcome#OVER_BUDGET}, which the engine dead-letters. The budget counts steps, not
 * time, so the outcome is a function of the event and a replay decides the same.
 * <p>
 * Immutable and thread-safe.
 */
public final class EventFilter {
    /** The variable holding the whole event. */
    public static final String EVENT = "event";
    /** The value a {@link FieldLookup} returns for a JSON null, so that {@code field == null} works. */
    public static final Object JSON_NULL = NullValue.NULL_VALUE;

    /** Comprehension steps one evaluation may take (the sum over every comprehension in it). */
    public static final int MAX_ITERATIONS = 10_000;

    /** What an evaluation gave. */
    public enum Outcome {
        /** The expression is {@code true}. */
        MATCH,
        /** Anything else: false, an error, a missing field. */
        NO_MATCH,
        /** The evaluation was stopped after {@link #MAX_ITERATIONS} comprehension steps. */
        OVER_BUDGET
    }

    private final String source;
    private final Set<String> fields;
    private final boolean usesWholeEvent;
    private final CelRuntime.Program program;
    private final Condition simpleForm;

    private EventFilter(String source, Set<String> fields, boolean usesWholeEvent, CelRuntime.Program program,
                        Condition simpleForm) {
        this.source = source;
        this.fields = fields;
        this.usesWholeEvent = usesWholeEvent;
        this.program = program;
        this.simpleForm = simpleForm;
    }

    /**
     * Parses and type-checks {@code source}.
     *
     * @throws FilterException with CEL's first error and its column, e.g. "column 9: mismatched input ..."
     */
    public static EventFilter compile(String source) {
        CelEnvironment.Compiled compiled = CelEnvironment.compile(source, SimpleType.BOOL);
        return new EventFilter(source, compiled.fields(), compiled.usesWholeEvent(), compiled.program(),
                simple(compiled.checked().getExpr()));
    }

    /** The expression as a {@link Condition}, or null if it has another shape. */
    private static Condition simple(CelExpr expr) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.CALL) {
            return null;
        }
        var call = expr.call();
        var args = call.args();
        switch (call.function()) {
            case "_&&_", "_||_" -> {
                Condition left = simple(args.get(0));
                Condition right = simple(args.get(1));
                if (left == null || right == null) {
                    return null;
                }
                return call.function().equals("_&&_") ? new Condition.And(left, right)
                        : new Condition.Or(left, right);
            }
            case "!_" -> {
                Condition operand = simple(args.get(0));
                return operand == null ? null : new Condition.Not(operand);
            }
            case "@in" -> {
                List<String> path = path(args.get(0));
                if (path == null || args.get(1).getKind() != CelExpr.ExprKind.Kind.LIST) {
                    return null;
                }
                Condition any = null;
                for (CelExpr element : args.get(1).list().elements()) {
                    Object literal = literal(element);
                    if (literal == null) {
                        return null;
                    }
                    Condition eq = new Condition.Compare(path, Condition.Op.EQ, literal);
                    any = any == null ? eq : new Condition.Or(any, eq);
                }
                return any;
            }
            default -> {
                Condition.Op op = switch (call.function()) {
                    case "_==_" -> Condition.Op.EQ;
                    case "_!=_" -> Condition.Op.NE;
                    case "_<_" -> Condition.Op.LT;
                    case "_<=_" -> Condition.Op.LE;
                    case "_>_" -> Condition.Op.GT;
                    case "_>=_" -> Condition.Op.GE;
                    default -> null;
                };
                if (op == null || args.size() != 2) {
                    return null;
                }
                List<String> path = path(args.get(0));
                Object literal = literal(args.get(1));
                if (path != null && literal != null) {
                    return new Condition.Compare(path, op, literal);
                }
                path = path(args.get(1));
                literal = literal(args.get(0));
                return path != null && literal != null ? new Condition.Compare(path, op.flipped(), literal) : null;
            }
        }
    }

    /** The field path an identifier or a chain of selections names, or null. */
    private static List<String> path(CelExpr expr) {
        if (expr.getKind() == CelExpr.ExprKind.Kind.IDENT) {
            String name = expr.ident().name();
            return name.equals(EVENT) ? null : List.of(name);
        }
        if (expr.getKind() == CelExpr.ExprKind.Kind.SELECT && !expr.select().testOnly()) {
            List<String> operand = path(expr.select().operand());
            if (operand == null) {
                return null;
            }
            List<String> path = new ArrayList<>(operand);
            path.add(expr.select().field());
            return path;
        }
        return null;
    }

    /** A string, integer, double or boolean constant, or null. */
    private static Object literal(CelExpr expr) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
            return null;
        }
        CelConstant constant = expr.constant();
        return switch (constant.getKind()) {
            case STRING_VALUE -> constant.stringValue();
            case INT64_VALUE -> constant.int64Value();
            case DOUBLE_VALUE -> constant.doubleValue();
            case BOOLEAN_VALUE -> constant.booleanValue();
            default -> null;
        };
    }

    /** The expression as written. */
    public String source() {
        return source;
    }

    /** The top-level fields the expression reads (besides {@link #EVENT}): a decoder need only extract these. */
    public Set<String> fields() {
        return fields;
    }

    /** Whether the expression uses the whole event ({@value #EVENT}), so a decoder must provide every field. */
    public boolean usesWholeEvent() {
        return usesWholeEvent;
    }

    /**
     * The expression as and/or/not over field-versus-literal comparisons, if it has that shape: an engine can
     * evaluate it on decoded scalars without CEL (falling back to {@link #matches} where it cannot be sure).
     */
    public Optional<Condition> simpleForm() {
        return Optional.ofNullable(simpleForm);
    }

    /**
     * Evaluates the expression on one event.
     *
     * @param lookup   the event's top-level fields
     * @param event    the whole event as a map, or null if {@link #usesWholeEvent()} is false
     */
    public Outcome evaluate(FieldLookup lookup, Map<String, Object> event) {
        CelVariableResolver resolver = name -> {
            if (name.equals(EVENT)) {
                return Optional.ofNullable(event);
            }
            return Optional.ofNullable(lookup.value(name));
        };
        try {
            return program.eval(resolver) == Boolean.TRUE ? Outcome.MATCH : Outcome.NO_MATCH;
        } catch (CelEvaluationException e) {
            return e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED ? Outcome.OVER_BUDGET
                    : Outcome.NO_MATCH;
        } catch (RuntimeException e) {
            return Outcome.NO_MATCH;
        }
    }

    /** Whether the expression matches an event given as a map of CEL-ready values (see {@link FieldLookup}). */
    public boolean matches(Map<String, Object> event) {
        return evaluate(event::get, event) == Outcome.MATCH;
    }

    @Override
    public String toString() {
        return source;
    }
}
