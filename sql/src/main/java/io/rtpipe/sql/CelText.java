package io.rtpipe.sql;

import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.spec.SpecException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.util.NlsString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A SQL condition or scalar expression as CEL text: a WHERE becomes the engine's CEL filter ({@code type = 'a' AND
 * amount > 0} is {@code type == 'a' && amount > 0}), so SQL and YAML specs share one filter owner, core's
 * {@code EventFilter}; a computed column becomes the expression of a derived field ({@code UPPER(sector)} is
 * {@code sector.upperAscii()}). The scalar functions are those of docs/sql.md's table, in CEL's strings and math
 * extensions and rtpipe's {@code regexGroup}, {@code splitField} and {@code slice}; log parsing is {@link LogParse}.
 * Operands of a looser operator are parenthesised; anything without a CEL equivalent is refused, located.
 */
final class CelText {

    private final BiFunction<SqlNode, String, SpecException> error;
    private final Function<SqlIdentifier, String> fieldOf;
    private final Predicate<SqlIdentifier> eventField;

    /** Whether + - * / compute in doubles (KDA: columns have SQL types, CEL has no int-by-double arithmetic). */
    private final boolean doubleArithmetic;

    /** @param fieldOf the event field path a column names (the dialect's rule; it refuses what is not a field) */
    CelText(BiFunction<SqlNode, String, SpecException> error, Function<SqlIdentifier, String> fieldOf) {
        this(error, fieldOf, id -> true, false);
    }

    private CelText(BiFunction<SqlNode, String, SpecException> error, Function<SqlIdentifier, String> fieldOf,
                    Predicate<SqlIdentifier> eventField, boolean doubleArithmetic) {
        this.error = error;
        this.fieldOf = fieldOf;
        this.eventField = eventField;
        this.doubleArithmetic = doubleArithmetic;
    }

    /**
     * KDA's expressions: arithmetic in doubles, since a REAL column times 2 must work and CEL multiplies only
     * like types (SQL's integer division becomes a division of doubles).
     *
     * @param fieldOf    the CEL text a column stands for: a field path, a derived field's name, or an expression
     * @param eventField whether a column is a field of the decoded event (COALESCE tests those for presence)
     */
    static CelText kda(BiFunction<SqlNode, String, SpecException> error, Function<SqlIdentifier, String> fieldOf,
                       Predicate<SqlIdentifier> eventField) {
        return new CelText(error, fieldOf, eventField, true);
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
        String function = function(call);
        if (function != null) {
            return function;
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
            boolean arithmetic = kind == SqlKind.PLUS || kind == SqlKind.MINUS || kind == SqlKind.TIMES
                    || kind == SqlKind.DIVIDE;
            text = doubleArithmetic && arithmetic
                    ? asDouble(call.operand(0)) + " " + op + " " + asDouble(call.operand(1))
                    : text(call.operand(0), own) + " " + op + " " + text(call.operand(1), own + 1);
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

    /** A scalar function's CEL text (atomic: a call or a conditional in parentheses), or null if it is none. */
    private String function(SqlCall call) {
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        List<SqlNode> args = call.getOperandList();
        if (call.getKind() == SqlKind.DOT && args.get(0) instanceof SqlCall parse) {
            return LogParse.cel(parse, args.get(1), error, this::of);
        }
        if (name.endsWith("_LOG_PARSE")) {
            throw error.apply(call, name + "(...) is taken with the column it yields, as in " + name
                    + "(...).COLUMN1.");
        }
        return switch (call.getKind()) {
            case TRIM -> {
                String flag = args.get(0).toString().toUpperCase(Locale.ROOT);
                if (!flag.equals("BOTH") || !(args.get(1) instanceof SqlLiteral space)
                        || !" ".equals(space.getValueAs(String.class))) {
                    throw error.apply(call, "TRIM is taken as TRIM(x) (both ends, spaces); " + flag + " and other "
                            + "characters have no CEL equivalent here.");
                }
                yield member(args.get(2), "trim()");
            }
            case CAST -> cast(call);
            case CASE -> caseWhen((SqlCase) call);
            case FLOOR, CEIL -> {
                if (args.size() != 1) {
                    throw error.apply(call, name + "(t TO unit) is a window in GROUP BY, not a value.");
                }
                yield "math." + (call.getKind() == SqlKind.FLOOR ? "floor" : "ceil") + "(double(" + of(args.get(0))
                        + "))";
            }
            case POSITION -> {
                if (args.size() != 2) {
                    throw error.apply(call, "POSITION is taken as POSITION(s IN t).");
                }
                yield "(" + member(args.get(1), "indexOf(" + of(args.get(0)) + ")") + " + 1)";
            }
            default -> switch (name) {
                case "UPPER" -> member(one(call), "upperAscii()");
                case "LOWER" -> member(one(call), "lowerAscii()");
                case "CHAR_LENGTH", "CHARACTER_LENGTH" -> "size(" + of(one(call)) + ")";
                case "ABS" -> "math.abs(" + of(one(call)) + ")";
                case "||" -> "(string(" + of(args.get(0)) + ") + string(" + of(args.get(1)) + "))";
                case "SUBSTRING" -> {
                    // SQL counts from 1 and cuts at the end; slice counts from 0 and cuts at the end too.
                    String text = of(args.get(0));
                    String start = "(" + of(args.get(1)) + ") - 1";
                    yield "slice(" + text + ", " + start + ", " + (args.size() > 2 ? of(args.get(2))
                            : "size(" + text + ")") + ")";
                }
                case "COALESCE" -> coalesce(call);
                default -> null;
            };
        };
    }

    private String asDouble(SqlNode operand) {
        if (operand instanceof SqlNumericLiteral number) {
            String digits = number.toValue();
            return digits.contains(".") || digits.contains("E") || digits.contains("e") ? digits : digits + ".0";
        }
        return "double(" + of(operand) + ")";
    }

    private SqlNode one(SqlCall call) {
        if (call.operandCount() != 1) {
            throw error.apply(call, call.getOperator().getName() + " takes one argument.");
        }
        return call.operand(0);
    }

    private String member(SqlNode receiver, String method) {
        return text(receiver, 7) + "." + method;
    }

    private String cast(SqlCall call) {
        String type = ((SqlDataTypeSpec) call.operand(1)).getTypeName().getSimple().toUpperCase(Locale.ROOT);
        String conversion = switch (type) {
            case "VARCHAR", "CHAR", "CHARACTER" -> "string";
            case "INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT" -> "int";
            case "DOUBLE", "REAL", "FLOAT", "DECIMAL", "NUMERIC" -> "double";
            case "BOOLEAN" -> "bool";
            default -> throw error.apply(call.operand(1), "CAST to " + type + " is refused: values are strings, "
                    + "numbers and booleans here (VARCHAR, INTEGER, BIGINT, DOUBLE, REAL, DECIMAL, BOOLEAN).");
        };
        return conversion + "(" + of(call.operand(0)) + ")";
    }

    /** CASE WHEN c THEN v ... [ELSE e] END: nested conditionals, branches as dyn so that they may differ in type. */
    private String caseWhen(SqlCase call) {
        SqlNode otherwise = call.getElseOperand();
        String text = otherwise == null || SqlUtil.isNullLiteral(otherwise, false) ? "null"
                : "dyn(" + of(otherwise) + ")";
        for (int i = call.getWhenOperands().size() - 1; i >= 0; i--) {
            text = "(" + of(call.getWhenOperands().get(i)) + " ? dyn(" + of(call.getThenOperands().get(i)) + ") : "
                    + text + ")";
        }
        return text;
    }

    /**
     * COALESCE(a, b, ..., last): the first of the event's fields that it has and that is not null, else the last
     * operand. CEL has no test of "this expression yielded nothing", so every operand but the last is a field of
     * the event (or a literal, which ends the search).
     */
    private String coalesce(SqlCall call) {
        List<SqlNode> args = call.getOperandList();
        String text = of(args.get(args.size() - 1));
        for (int i = args.size() - 2; i >= 0; i--) {
            SqlNode arg = args.get(i);
            if (arg instanceof SqlLiteral) {
                text = of(arg);
                continue;
            }
            if (!(arg instanceof SqlIdentifier id) || !eventField.test(id)) {
                throw error.apply(arg, "COALESCE takes fields of the input event and literals before its last "
                        + "operand (a computed value cannot be tested for presence here), found " + arg + ".");
            }
            String[] segments = fieldOf.apply(id).split("\\.");
            StringBuilder present = new StringBuilder();
            String selection = EventFilter.EVENT;
            for (String segment : segments) {
                selection = selection + "." + segment;
                present.append("has(").append(selection).append(") && ");
            }
            text = "(" + present + selection + " != null ? " + selection + " : " + text + ")";
        }
        return text;
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
        if (SqlUtil.isNullLiteral(literal, false)) {
            return "null";
        }
        throw error.apply(literal, "found the literal " + literal + ", expected a string, number, TRUE or FALSE.");
    }

    private SpecException refused(SqlNode node) {
        String what = node instanceof SqlCall call ? call.getOperator().getName() : node.toString();
        return error.apply(node, "found " + what + ", which has no CEL equivalent here; an expression uses field "
                + "paths, literals, AND, OR, NOT, comparisons, IN (...), IS [NOT] NULL, + - * / MOD, ||, and the "
                + "functions UPPER, LOWER, SUBSTRING, TRIM, CHAR_LENGTH, POSITION, CAST, CASE, ABS, FLOOR, CEIL, "
                + "COALESCE, REGEX_LOG_PARSE, W3C_LOG_PARSE, VARIABLE_COLUMN_LOG_PARSE and FIXED_COLUMN_LOG_PARSE.");
    }
}
