package io.rtpipe.core.engine;

import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldKind;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.filter.Condition;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.filter.FieldLookup;
import io.rtpipe.core.metric.FieldPath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one metric's {@link EventFilter} on decoded fields. A filter in {@link EventFilter#simpleForm() simple
 * form} is evaluated in Java on the decoded scalars (CEL's semantics: an error such as a missing field makes a
 * comparison neither true nor false, {@code &&}/{@code ||} absorb it as CEL does, and only {@code true} matches);
 * where the Java evaluation cannot be sure of CEL's answer (comparisons across types, string ordering, non-scalar
 * values) it runs the CEL program on values rebuilt from the same slots. Other filters run CEL on the top-level
 * values the decoder materialized.
 */
final class FilterEvaluator {
    private enum Truth { TRUE, FALSE, ERROR, UNSURE }

    private static final double EXACT_DOUBLE_LIMIT = 0x1p53;

    private final EventFilter filter;
    /** The simple form compiled against slots, or null to run CEL on materialized values. */
    private final Node simple;
    /** CEL fallback for the simple form: top-level names to the slots of the paths under them. */
    private final Map<String, SlotTree> trees = new LinkedHashMap<>();
    private final int[] wholeValueIndexes;
    private final List<String> wholeValueNames;
    /** The metric's derived fields if the filter reads one, else null. */
    private final DerivedFields derived;

    private sealed interface Node {
    }

    private record And(Node left, Node right) implements Node {
    }

    private record Or(Node left, Node right) implements Node {
    }

    private record Not(Node operand) implements Node {
    }

    private record Compare(int slot, Condition.Op op, Object literal) implements Node {
    }

    /** The selected paths under one name, to rebuild a CEL value from slots. */
    private static final class SlotTree {
        int slot = -1;
        final Map<String, SlotTree> children = new LinkedHashMap<>();
    }

    /**
     * Adds what the filter needs to {@code selection}.
     *
     * @param readsDerived whether the filter reads a derived field: then it runs as CEL on whole values
     */
    static void select(EventFilter filter, FieldSelection.Builder selection, boolean readsDerived) {
        if (filter.simpleForm().isPresent() && !readsDerived) {
            paths(filter.simpleForm().get(), new ArrayList<>()).forEach(selection::path);
        } else {
            filter.fields().forEach(selection::wholeValue);
            if (filter.usesWholeEvent()) {
                selection.wholeEvent();
            }
        }
    }

    private static List<FieldPath> paths(Condition condition, List<FieldPath> out) {
        if (condition instanceof Condition.And and) {
            paths(and.left(), out);
            paths(and.right(), out);
        } else if (condition instanceof Condition.Or or) {
            paths(or.left(), out);
            paths(or.right(), out);
        } else if (condition instanceof Condition.Not not) {
            paths(not.operand(), out);
        } else {
            out.add(new FieldPath(((Condition.Compare) condition).path()));
        }
        return out;
    }

    /** @param derived the metric's derived fields, read by name before the decoded ones; null for none */
    FilterEvaluator(EventFilter filter, FieldSelection selection, DerivedFields derived) {
        this.filter = filter;
        this.derived = derived != null && derived.readBy(filter) ? derived : null;
        this.simple = this.derived != null ? null : filter.simpleForm().map(c -> compile(c, selection)).orElse(null);
        wholeValueNames = List.copyOf(filter.fields());
        wholeValueIndexes = wholeValueNames.stream().mapToInt(selection::wholeValueIndex).toArray();
    }

    private Node compile(Condition condition, FieldSelection selection) {
        if (condition instanceof Condition.And and) {
            return new And(compile(and.left(), selection), compile(and.right(), selection));
        }
        if (condition instanceof Condition.Or or) {
            return new Or(compile(or.left(), selection), compile(or.right(), selection));
        }
        if (condition instanceof Condition.Not not) {
            return new Not(compile(not.operand(), selection));
        }
        Condition.Compare compare = (Condition.Compare) condition;
        int slot = selection.slot(new FieldPath(compare.path()));
        SlotTree tree = trees.computeIfAbsent(compare.path().get(0), n -> new SlotTree());
        for (String segment : compare.path().subList(1, compare.path().size())) {
            tree = tree.children.computeIfAbsent(segment, n -> new SlotTree());
        }
        tree.slot = slot;
        return new Compare(slot, compare.op(), compare.literal());
    }

    EventFilter.Outcome evaluate(EventFields fields) {
        if (simple == null) {
            FieldLookup decoded = name -> {
                int i = wholeValueNames.indexOf(name);
                return i < 0 ? null : fields.wholeValue(wholeValueIndexes[i]);
            };
            return filter.evaluate(derived == null ? decoded : derived.filterLookup(decoded), fields.wholeEvent());
        }
        Truth truth = evaluate(simple, fields);
        if (truth == Truth.UNSURE) {
            return filter.evaluate(name -> {
                SlotTree tree = trees.get(name);
                return tree == null ? null : value(tree, fields);
            }, null);
        }
        return truth == Truth.TRUE ? EventFilter.Outcome.MATCH : EventFilter.Outcome.NO_MATCH;
    }

    private static Truth evaluate(Node node, EventFields fields) {
        if (node instanceof Compare compare) {
            return compare(compare, fields);
        }
        if (node instanceof And and) {
            Truth left = evaluate(and.left(), fields);
            if (left == Truth.FALSE) {
                return Truth.FALSE;
            }
            Truth right = evaluate(and.right(), fields);
            if (right == Truth.FALSE) {
                return Truth.FALSE;
            }
            if (left == Truth.UNSURE || right == Truth.UNSURE) {
                return Truth.UNSURE;
            }
            return left == Truth.ERROR || right == Truth.ERROR ? Truth.ERROR : Truth.TRUE;
        }
        if (node instanceof Or or) {
            Truth left = evaluate(or.left(), fields);
            if (left == Truth.TRUE) {
                return Truth.TRUE;
            }
            Truth right = evaluate(or.right(), fields);
            if (right == Truth.TRUE) {
                return Truth.TRUE;
            }
            if (left == Truth.UNSURE || right == Truth.UNSURE) {
                return Truth.UNSURE;
            }
            return left == Truth.ERROR || right == Truth.ERROR ? Truth.ERROR : Truth.FALSE;
        }
        return switch (evaluate(((Not) node).operand(), fields)) {
            case TRUE -> Truth.FALSE;
            case FALSE -> Truth.TRUE;
            case ERROR -> Truth.ERROR;
            case UNSURE -> Truth.UNSURE;
        };
    }

    private static Truth compare(Compare compare, EventFields fields) {
        int slot = compare.slot();
        FieldKind kind = fields.kind(slot);
        Object literal = compare.literal();
        switch (kind) {
            case MISSING:
                return Truth.ERROR; // CEL: no such variable or key
            case STRING:
                if (literal instanceof String s && (compare.op() == Condition.Op.EQ || compare.op() == Condition.Op.NE)) {
                    return truth(fields.text(slot).equals(s) == (compare.op() == Condition.Op.EQ));
                }
                return Truth.UNSURE;
            case INTEGER:
                if (literal instanceof Long l) {
                    return ordered(Long.compare(fields.longValue(slot), l), compare.op());
                }
                if (literal instanceof Double d && Math.abs(fields.longValue(slot)) < EXACT_DOUBLE_LIMIT) {
                    return ordered(Double.compare(fields.longValue(slot), d), compare.op());
                }
                return Truth.UNSURE;
            case DECIMAL:
                if (literal instanceof Double d) {
                    return ordered(Double.compare(fields.doubleValue(slot), d), compare.op());
                }
                if (literal instanceof Long l && Math.abs(l) < EXACT_DOUBLE_LIMIT) {
                    return ordered(Double.compare(fields.doubleValue(slot), l), compare.op());
                }
                return Truth.UNSURE;
            case BOOLEAN:
                if (literal instanceof Boolean b && (compare.op() == Condition.Op.EQ || compare.op() == Condition.Op.NE)) {
                    return truth((fields.longValue(slot) == 1) == b == (compare.op() == Condition.Op.EQ));
                }
                return Truth.UNSURE;
            default:
                return Truth.UNSURE;
        }
    }

    private static Truth ordered(int comparison, Condition.Op op) {
        return truth(switch (op) {
            case EQ -> comparison == 0;
            case NE -> comparison != 0;
            case LT -> comparison < 0;
            case LE -> comparison <= 0;
            case GT -> comparison > 0;
            case GE -> comparison >= 0;
        });
    }

    private static Truth truth(boolean value) {
        return value ? Truth.TRUE : Truth.FALSE;
    }

    /** A CEL value rebuilt from slots: scalars as such, objects as maps of their selected children. */
    private static Object value(SlotTree tree, EventFields fields) {
        FieldKind kind = tree.slot < 0 ? FieldKind.MISSING : fields.kind(tree.slot);
        if (kind == FieldKind.OBJECT || (kind == FieldKind.MISSING && !tree.children.isEmpty())) {
            Map<String, Object> map = new LinkedHashMap<>();
            tree.children.forEach((name, child) -> {
                Object value = value(child, fields);
                if (value != null) {
                    map.put(name, value);
                }
            });
            return kind == FieldKind.MISSING && map.isEmpty() ? null : map;
        }
        return switch (kind) {
            case MISSING -> null;
            case STRING -> fields.text(tree.slot);
            case INTEGER -> fields.longValue(tree.slot);
            case INTEGER_TOO_LARGE -> new java.math.BigInteger(fields.text(tree.slot));
            case DECIMAL -> fields.doubleValue(tree.slot);
            case BOOLEAN -> fields.longValue(tree.slot) == 1;
            case NULL -> EventFilter.JSON_NULL;
            case ARRAY -> List.of();
            default -> throw new IllegalStateException("unexpected kind " + kind);
        };
    }
}
