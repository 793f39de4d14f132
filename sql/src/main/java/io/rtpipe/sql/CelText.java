package io.rtpipe.sql;

import io.rtpipe.core.spec.SpecException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.util.NlsString;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A SQL WHERE condition as the text of the engine's CEL filter ({@code type = 'a' AND amount > 0} becomes
 * {@code type == 'a' && amount > 0}), so SQL and YAML specs share one filter owner, core's {@code EventFilter}.
 * Operands of a looser operator are parenthesised; anything without a CEL equivalent is refused, located.
 */
final class CelText {

    private final BiFunction<SqlNode, String, SpecException> error;
    private final Function<SqlIdentifier, String> fieldOf;

    /** @param fieldOf the event field path a column names (the dialect's rule; it refuses what is not a field) */
    CelText(BiFunction<SqlNode, String, SpecException> error, Function<SqlIdentifier, String> fieldOf) {
        this.error = error;
        this.fieldOf = fieldOf;
    }

    String of(SqlNode node) {
        return text(node, 0);
    }

    /** Binding strength, loosest first, as CEL orders them. */
    private static int precedence(SqlKind kind) {
        return switch (kind) {
            case OR -> 1;
            case AND -> 2;
            case EQUALS, NOT_EQUALS, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, IN,
                 NOT_IN -> 3;
            case PLUS, MINUS -> 4;
            case TIMES, DIVIDE, MOD -> 5;
            default -> 6;
        };
    }

    private String text(SqlNode node, int outer) {
        if (node instanceof SqlIdentifier id) {
            return fieldOf.apply(id);
        }
        if (node instanceof SqlLiteral literal) {
            return literal(literal);
        }
        if (!(node instanceof SqlCall call)) {
            throw refused(node);
        }
        // The parser leaves MOD(a, b) an unresolved function call.
        SqlKind kind = call.getOperator().getName().equalsIgnoreCase("MOD") ? SqlKind.MOD : call.getKind();
        String op = switch (kind) {
            case AND -> "&&";
            case OR -> "||";
            case EQUALS -> "==";
            case NOT_EQUALS -> "!=";
            case LESS_THAN -> "<";
            case LESS_THAN_OR_EQUAL -> "<=";
            case GREATER_THAN -> ">";
            case GREATER_THAN_OR_EQUAL -> ">=";
            case PLUS -> "+";
            case MINUS -> "-";
            case TIMES -> "*";
            case DIVIDE -> "/";
            case MOD -> "%";
            default -> null;
        };
        String text;
        int own = precedence(kind);
        if (op != null && call.operandCount() == 2) {
            // Left-associative: an equal-precedence right operand keeps its parentheses.
            text = text(call.operand(0), own) + " " + op + " " + text(call.operand(1), own + 1);
        } else {
            text = switch (kind) {
                case NOT -> "!" + text(call.operand(0), 7);
                case MINUS_PREFIX -> "-" + text(call.operand(0), 7);
                case IS_NULL -> "!has(" + field(call.operand(0)) + ")";
                case IS_NOT_NULL -> "has(" + field(call.operand(0)) + ")";
                case IN, NOT_IN -> {
                    if (!(call.operand(1) instanceof SqlNodeList list)) {
                        throw error.apply(call.operand(1), "IN takes a list of literals, not a subquery.");
                    }
                    List<String> items = new ArrayList<>();
                    for (SqlNode item : list) {
                        if (!(item instanceof SqlLiteral literal)) {
                            throw error.apply(item, "IN takes a list of literals, found " + item + ".");
                        }
                        items.add(literal(literal));
                    }
                    String in = text(call.operand(0), 4) + " in [" + String.join(", ", items) + "]";
                    yield kind == SqlKind.IN ? in : "!(" + in + ")";
                }
                default -> throw refused(node);
            };
            own = kind == SqlKind.IN ? 3 : 7;
        }
        return own < outer ? "(" + text + ")" : text;
    }

    private String field(SqlNode node) {
        if (node instanceof SqlIdentifier id) {
            String path = fieldOf.apply(id);
            // CEL's has() takes a selection: has(geo.country).
            if (path.contains(".")) {
                return path;
            }
        }
        throw error.apply(node, "IS NULL and IS NOT NULL take a nested field path such as geo.country (a top-level "
                + "field is tested with CEL's has() only through its parent).");
    }

    private String literal(SqlLiteral literal) {
        if (literal instanceof SqlNumericLiteral) {
            return literal.toValue();
        }
        Object value = literal.getValue();
        if (value instanceof NlsString nls) {
            return "'" + nls.getValue().replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        throw error.apply(literal, "found the literal " + literal + ", expected a string, number, TRUE or FALSE.");
    }

    private SpecException refused(SqlNode node) {
        return error.apply(node, "found " + node + " in WHERE, which has no filter equivalent; a condition uses "
                + "field paths, literals, AND, OR, NOT, comparisons, IN (...), IS [NOT] NULL, + - * / and MOD.");
    }
}
