package io.rtpipe.sql;

import io.rtpipe.core.spec.SpecException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * KDA's log-parsing functions, each taken with the column it yields ({@code REGEX_LOG_PARSE(log, 'p').COLUMN2}), as
 * the CEL text of that column (docs/sql.md, "Log parsing"):
 * <ul>
 *   <li>{@code REGEX_LOG_PARSE(text, 'pattern')}: COLUMN1..n are the pattern's groups, null when it does not match
 *       the whole text: {@code regexGroup(text, 'pattern', n)};</li>
 *   <li>{@code VARIABLE_COLUMN_LOG_PARSE(text, columns, 'delimiter')}: {@code columns} a count (COLUMN1..n) or a
 *       list {@code 'NAME TYPE type, ...'}; each column is a piece of the text between delimiters:
 *       {@code splitField(text, 'delimiter', n)}, converted to its type;</li>
 *   <li>{@code FIXED_COLUMN_LOG_PARSE(text, 'NAME TYPE type START s [FOR n], ...')}: characters from s (counted from
 *       0): {@code slice(text, s, n)}, converted to its type.</li>
 *   <li>{@code W3C_LOG_PARSE(text, 'format')}: COLUMN1..n are the format's specifiers, a predefined name or
 *       Apache specifiers ({@link W3cLogFormat}): {@code regexGroup(text, 'pattern', n)}, byte counts and
 *       durations as integers.</li>
 * </ul>
 * A numeric column is converted only when the piece is there ({@code p == null ? dyn(null) : dyn(int(p))}).
 * SYS_LOG_PARSE, W3C_LOG_PARSE's IIS format, the escape and quote arguments of VARIABLE_COLUMN_LOG_PARSE and
 * time-typed columns are refused.
 */
final class LogParse {
    private static final Pattern COLUMN_N = Pattern.compile("COLUMN([1-9][0-9]{0,3})");
    /** {@code NAME [TYPE] type[(n)] [NOT NULL] [START s [FOR n]]}, one column of a column list. */
    private static final Pattern COLUMN = Pattern.compile("\\s*(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_]*)\\s+(?:TYPE\\s+)?"
            + "([A-Za-z]+)(?:\\s*\\(\\s*\\d+(?:\\s*,\\s*\\d+)?\\s*\\))?(?:\\s+NOT\\s+NULL)?"
            + "(?:\\s+START\\s+(\\d+)(?:\\s+FOR\\s+(\\d+))?)?\\s*", Pattern.CASE_INSENSITIVE);

    private LogParse() {
    }

    /** One declared column of a parse: its name (KDA's rule), type and, for fixed columns, position. */
    private record Column(String name, String type, int start, int length) {
    }

    static String cel(SqlCall parse, SqlNode selected, BiFunction<SqlNode, String, SpecException> error,
                      Function<SqlNode, String> of) {
        String fn = parse.getOperator().getName().toUpperCase(Locale.ROOT);
        List<SqlNode> args = parse.getOperandList();
        if (!(selected instanceof SqlIdentifier column) || !column.isSimple()) {
            throw error.apply(selected, "found ." + selected + ", expected the column a log parse yields, such as "
                    + ".COLUMN1.");
        }
        String name = column.getComponentParserPosition(0).isQuoted() ? column.getSimple()
                : column.getSimple().toUpperCase(Locale.ROOT);
        switch (fn) {
            case "REGEX_LOG_PARSE" -> {
                if (args.size() != 2 || !(args.get(1) instanceof SqlCharStringLiteral literal)) {
                    throw error.apply(parse, "REGEX_LOG_PARSE is taken as REGEX_LOG_PARSE(text, 'pattern').COLUMNn "
                            + "(a column list after the pattern is refused: the columns are COLUMN1 to COLUMNn).");
                }
                String pattern = literal.getValueAs(String.class);
                int groups;
                try {
                    groups = Pattern.compile(pattern).matcher("").groupCount();
                } catch (PatternSyntaxException e) {
                    throw error.apply(literal, "the pattern is not a Java regular expression ("
                            + e.getDescription() + ").");
                }
                int n = columnNumber(name, groups, selected, error, "the pattern's " + groups + " group(s)");
                return "regexGroup(" + of.apply(args.get(0)) + ", " + quoted(pattern) + ", " + n + ")";
            }
            case "VARIABLE_COLUMN_LOG_PARSE" -> {
                if (args.size() > 3) {
                    throw error.apply(args.get(3), "the escape and quote arguments of VARIABLE_COLUMN_LOG_PARSE are "
                            + "refused: a piece is the text between two delimiters here.");
                }
                if (args.size() != 3 || !(args.get(2) instanceof SqlCharStringLiteral delimiter)
                        || delimiter.getValueAs(String.class).isEmpty()) {
                    throw error.apply(parse, "VARIABLE_COLUMN_LOG_PARSE is taken as VARIABLE_COLUMN_LOG_PARSE(text, "
                            + "columns, 'delimiter').COLUMN, columns a count or 'NAME TYPE type, ...'.");
                }
                String piece;
                String type = "VARCHAR";
                if (args.get(1) instanceof SqlNumericLiteral count && count.isInteger()) {
                    int n = columnNumber(name, count.getValueAs(Integer.class), selected, error,
                            count + " column(s)");
                    piece = split(of.apply(args.get(0)), delimiter, n);
                } else {
                    List<Column> columns = columns(args.get(1), error, false);
                    int index = indexOf(columns, name, selected, error);
                    piece = split(of.apply(args.get(0)), delimiter, index + 1);
                    type = columns.get(index).type;
                }
                return typed(piece, type, selected, error);
            }
            case "FIXED_COLUMN_LOG_PARSE" -> {
                if (args.size() != 2) {
                    throw error.apply(parse, "FIXED_COLUMN_LOG_PARSE is taken as FIXED_COLUMN_LOG_PARSE(text, "
                            + "'NAME TYPE type START s FOR n, ...').NAME.");
                }
                List<Column> columns = columns(args.get(1), error, true);
                Column fixed = columns.get(indexOf(columns, name, selected, error));
                String text = of.apply(args.get(0));
                String length = fixed.length < 0 ? "size(" + text + ")" : Integer.toString(fixed.length);
                return typed("slice(" + text + ", " + fixed.start + ", " + length + ")", fixed.type, selected,
                        error);
            }
            case "W3C_LOG_PARSE" -> {
                if (args.size() != 2 || !(args.get(1) instanceof SqlCharStringLiteral literal)) {
                    throw error.apply(parse, "W3C_LOG_PARSE is taken as W3C_LOG_PARSE(text, 'format').COLUMNn, "
                            + "the format a predefined name such as 'COMMON' or specifiers such as '%h %t \"%r\"'.");
                }
                W3cLogFormat format;
                try {
                    format = W3cLogFormat.of(literal.getValueAs(String.class));
                } catch (IllegalArgumentException e) {
                    throw error.apply(literal, e.getMessage());
                }
                int n = columnNumber(name, format.integer().size(), selected, error,
                        "the format's " + format.integer().size() + " specifier(s)");
                String group = "regexGroup(" + of.apply(args.get(0)) + ", " + quoted(format.regex()) + ", " + n + ")";
                return typed(group, format.integer().get(n - 1) ? "INTEGER" : "VARCHAR", selected, error);
            }
            default -> throw error.apply(parse, fn + " is refused: the log parsing taken is REGEX_LOG_PARSE, "
                    + "W3C_LOG_PARSE, VARIABLE_COLUMN_LOG_PARSE and FIXED_COLUMN_LOG_PARSE; write a syslog "
                    + "line's layout as a REGEX_LOG_PARSE pattern.");
        }
    }

    private static String split(String text, SqlCharStringLiteral delimiter, int n) {
        return "splitField(" + text + ", " + quoted(delimiter.getValueAs(String.class)) + ", " + n + ")";
    }

    private static int columnNumber(String name, int count, SqlNode at,
                                    BiFunction<SqlNode, String, SpecException> error, String what) {
        Matcher m = COLUMN_N.matcher(name);
        if (!m.matches() || Integer.parseInt(m.group(1)) > count) {
            throw error.apply(at, "found the column " + name + ", expected COLUMN1 to COLUMN" + count + " (" + what
                    + ").");
        }
        return Integer.parseInt(m.group(1));
    }

    private static int indexOf(List<Column> columns, String name, SqlNode at,
                               BiFunction<SqlNode, String, SpecException> error) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name.equals(name)) {
                return i;
            }
        }
        throw error.apply(at, "the parse declares no column " + name + " (it has "
                + columns.stream().map(Column::name).toList() + ").");
    }

    private static List<Column> columns(SqlNode node, BiFunction<SqlNode, String, SpecException> error,
                                        boolean fixed) {
        String shape = fixed ? "'NAME TYPE VARCHAR(8) START 0 FOR 8, ...'" : "'NAME TYPE VARCHAR(8), ...'";
        if (!(node instanceof SqlCharStringLiteral literal)) {
            throw error.apply(node, "the columns are a string such as " + shape + ".");
        }
        List<Column> columns = new ArrayList<>();
        for (String part : literal.getValueAs(String.class).split(",(?![^(]*\\))")) {
            Matcher m = COLUMN.matcher(part);
            if (!m.matches() || fixed != (m.group(3) != null)) {
                throw error.apply(node, "found the column \"" + part.trim() + "\", expected columns such as " + shape
                        + ".");
            }
            String name = m.group(1).startsWith("\"") ? m.group(1).substring(1, m.group(1).length() - 1)
                    : m.group(1).toUpperCase(Locale.ROOT);
            columns.add(new Column(name, m.group(2).toUpperCase(Locale.ROOT),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)),
                    m.group(4) == null ? -1 : Integer.parseInt(m.group(4))));
        }
        return columns;
    }

    /** A piece converted to its column's type; a missing piece (null) stays null. */
    private static String typed(String piece, String type, SqlNode at,
                                BiFunction<SqlNode, String, SpecException> error) {
        String conversion = switch (type) {
            case "VARCHAR", "CHAR", "CHARACTER" -> null;
            case "INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT" -> "int";
            case "DOUBLE", "REAL", "FLOAT", "DECIMAL", "NUMERIC" -> "double";
            default -> throw error.apply(at, "a parsed column of type " + type + " is refused: columns are "
                    + "VARCHAR, integers or decimals here (keep a time as VARCHAR).");
        };
        return conversion == null ? piece : "(" + piece + " == null ? dyn(null) : dyn(" + conversion + "(" + piece + ")))";
    }

    /** A CEL string literal: a raw string when it can be, so that a pattern reads as written. */
    private static String quoted(String text) {
        if (!text.contains("'") && !text.contains("\n") && !text.contains("\r")) {
            return "r'" + text + "'";
        }
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
                + "'";
    }
}
