package io.rtpipe.core.filter;

import java.util.List;

/**
 * The simple form of a filter that an engine may evaluate directly on decoded scalar fields instead of running CEL:
 * and/or/not over comparisons of a field path with a literal. {@link EventFilter#simpleForm()} offers it when the
 * whole expression has this shape. Evaluators must give CEL's answer: where they cannot be sure (a comparison across
 * types, a string ordering, a value that is not a scalar), they evaluate the CEL program instead.
 */
public sealed interface Condition {

    record And(Condition left, Condition right) implements Condition {
    }

    record Or(Condition left, Condition right) implements Condition {
    }

    record Not(Condition operand) implements Condition {
    }

    /**
     * {@code path op literal}.
     *
     * @param path    field names from the top level, e.g. [user, country]
     * @param literal a String, Long, Double or Boolean
     */
    record Compare(List<String> path, Op op, Object literal) implements Condition {
        public Compare {
            path = List.copyOf(path);
        }
    }

    /** A comparison operator; {@link #flipped()} is the operator with its operands swapped. */
    enum Op {
        EQ, NE, LT, LE, GT, GE;

        public Op flipped() {
            return switch (this) {
                case LT -> GT;
                case LE -> GE;
                case GT -> LT;
                case GE -> LE;
                default -> this;
            };
        }
    }
}
