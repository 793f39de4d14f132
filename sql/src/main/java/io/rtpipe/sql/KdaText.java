package io.rtpipe.sql;

import io.rtpipe.core.spec.SpecException;
import org.apache.calcite.sql.parser.SqlParserPos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The KDA SQL constructs Calcite's parser has no grammar for, rewritten in place into ones it has, so that every
 * other character keeps its line and column and Calcite's positions stay those of the file (docs/sql.md, "KDA SQL"):
 * <ul>
 *   <li>{@code CREATE [OR REPLACE] STREAM "S" (col type, ...)} becomes {@code SELECT * FROM "S" (col type, ...)},
 *       which Calcite parses (lenient conformance) as a table with declared columns; {@link #declaresStream} tells
 *       the loader which parsed statements these are;</li>
 *   <li>{@code CREATE [OR REPLACE] PUMP "P" AS} is blanked, leaving the pump's {@code INSERT INTO ... SELECT STREAM};</li>
 *   <li>the {@code BY} of {@code STEP(x BY INTERVAL ...)} becomes a comma: {@code STEP(x, INTERVAL ...)};</li>
 *   <li>{@code WINDOWED BY STAGGER (PARTITION BY p, ... RANGE INTERVAL ...)} becomes {@code GROUP BY STAGGER(p, ...,
 *       INTERVAL ...)}.</li>
 * </ul>
 * Only tokens outside string literals, quoted identifiers and comments are looked at; a block comment starting {@code input_schema:} is the application's
 * input schema ({@link #inputSchema}).
 */
final class KdaText {

    /** The block comment that carries the input schema JSON: {@code /* input_schema: {...} *}{@code /}. */
    static final String SCHEMA_DIRECTIVE = "input_schema:";

    private final String sql;
    private final Set<Long> streamDeclarations;
    private final String inputSchema;
    private final SqlParserPos inputSchemaAt;

    private KdaText(String sql, Set<Long> streamDeclarations, String inputSchema, SqlParserPos inputSchemaAt) {
        this.sql = sql;
        this.streamDeclarations = streamDeclarations;
        this.inputSchema = inputSchema;
        this.inputSchemaAt = inputSchemaAt;
    }

    /** Whether {@code sql} is KDA application code: it creates a pump. */
    static boolean isKda(String sql) {
        List<Token> tokens = tokens(sql, new ArrayList<>());
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).is("CREATE") && createWhat(tokens, i + 1).is("PUMP")) {
                return true;
            }
        }
        return false;
    }

    /** The text Calcite parses, same length and lines as {@code sql}; throws for a construct nothing parses. */
    static KdaText rewrite(String file, String sql) {
        List<Token> comments = new ArrayList<>();
        List<Token> tokens = tokens(sql, comments);
        char[] out = sql.toCharArray();
        Set<Long> streams = new HashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.is("CREATE")) {
                boolean orReplace = at(tokens, i + 1).is("OR") && at(tokens, i + 2).is("REPLACE");
                int what = i + (orReplace ? 3 : 1);
                if (at(tokens, what).is("STREAM")) {
                    streams.add(key(position(sql, token.start)));
                    put(out, token, "SELECT");
                    if (orReplace) {
                        put(out, tokens.get(i + 1), "*");
                        put(out, tokens.get(i + 2), "FROM");
                        put(out, tokens.get(what), "");
                    } else {
                        put(out, tokens.get(what), "* FROM");
                    }
                } else if (at(tokens, what).is("PUMP")) {
                    if (!at(tokens, what + 2).is("AS")) {
                        throw error(file, sql, token, "CREATE PUMP takes a name and AS: CREATE OR REPLACE PUMP "
                                + "\"STREAM_PUMP\" AS INSERT INTO \"DESTINATION_SQL_STREAM\" SELECT STREAM ...");
                    }
                    for (int j = i; j <= what + 2; j++) {
                        put(out, tokens.get(j), "");
                    }
                }
            } else if (token.is("STEP") && at(tokens, i + 1).text.equals("(")) {
                int depth = 0;
                for (int j = i + 1; j < tokens.size(); j++) {
                    Token t = tokens.get(j);
                    depth += t.text.equals("(") ? 1 : t.text.equals(")") ? -1 : 0;
                    if (depth == 0) {
                        break;
                    }
                    if (depth == 1 && t.is("BY")) {
                        put(out, t, ",");
                        break;
                    }
                }
            } else if (token.is("WINDOWED") && at(tokens, i + 1).is("BY")) {
                stagger(file, sql, tokens, i, out);
            }
        }
        String schema = null;
        SqlParserPos schemaAt = null;
        for (Token comment : comments) {
            String body = comment.text.substring(2, comment.text.length() - 2);
            if (body.strip().startsWith(SCHEMA_DIRECTIVE)) {
                if (schema != null) {
                    throw error(file, sql, comment, "the input schema is given twice; one input_schema comment "
                            + "per file");
                }
                int from = body.indexOf(SCHEMA_DIRECTIVE) + SCHEMA_DIRECTIVE.length();
                schema = body.substring(from);
                schemaAt = position(sql, comment.start + 2 + from);
            }
        }
        return new KdaText(new String(out), streams, schema, schemaAt);
    }

    /**
     * {@code WINDOWED BY STAGGER (PARTITION BY p, ... RANGE INTERVAL ...)} becomes {@code GROUP BY STAGGER(p, ...,
     * INTERVAL ...)}: a call the loader reads as the stagger window and its keys.
     */
    private static void stagger(String file, String sql, List<Token> tokens, int windowed, char[] out) {
        Token partition = at(tokens, windowed + 4);
        if (!at(tokens, windowed + 2).is("STAGGER") || !at(tokens, windowed + 3).text.equals("(")
                || !partition.is("PARTITION") || !at(tokens, windowed + 5).is("BY")) {
            throw error(file, sql, tokens.get(windowed), "expected WINDOWED BY STAGGER (PARTITION BY columns "
                    + "RANGE INTERVAL 'N' MINUTE)");
        }
        int depth = 0;
        for (int j = windowed + 3; j < tokens.size(); j++) {
            Token t = tokens.get(j);
            depth += t.text.equals("(") ? 1 : t.text.equals(")") ? -1 : 0;
            if (depth == 0) {
                break;
            }
            if (depth == 1 && t.is("RANGE")) {
                put(out, tokens.get(windowed), "GROUP");
                put(out, partition, "");
                put(out, tokens.get(windowed + 5), "");
                put(out, t, ",");
                return;
            }
        }
        throw error(file, sql, partition, "WINDOWED BY STAGGER's PARTITION BY ends with RANGE INTERVAL 'N' MINUTE, "
                + "the window's length");
    }

    String sql() {
        return sql;
    }

    /** Whether the statement Calcite placed at {@code pos} was a {@code CREATE STREAM}. */
    boolean declaresStream(SqlParserPos pos) {
        return streamDeclarations.contains(key(pos));
    }

    /** The input schema's JSON text, or null when the file has none. */
    String inputSchema() {
        return inputSchema;
    }

    /** Where the input schema's JSON text starts. */
    SqlParserPos inputSchemaAt() {
        return inputSchemaAt;
    }

    private static long key(SqlParserPos pos) {
        return ((long) pos.getLineNum() << 32) | pos.getColumnNum();
    }

    /** Overwrites a token with {@code text} padded with spaces (never longer than the token). */
    private static void put(char[] out, Token token, String text) {
        for (int k = token.start; k < token.end; k++) {
            int i = k - token.start;
            out[k] = i < text.length() ? text.charAt(i) : ' ';
        }
    }

    private static SpecException error(String file, String sql, Token at, String sentence) {
        SqlParserPos pos = position(sql, at.start);
        return new SpecException(file, pos.getLineNum(), pos.getColumnNum(), sentence + ".");
    }

    /** Line and column (1-based) of an offset, counted as Calcite counts them. */
    static SqlParserPos position(String sql, int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset; i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SqlParserPos(line, column);
    }

    private static Token createWhat(List<Token> tokens, int i) {
        return at(tokens, i).is("OR") && at(tokens, i + 1).is("REPLACE") ? at(tokens, i + 2) : at(tokens, i);
    }

    private static Token at(List<Token> tokens, int i) {
        return i < tokens.size() ? tokens.get(i) : Token.END;
    }

    /** Words, quoted names, literals and single punctuation, in order; comments go to {@code comments}. */
    private static List<Token> tokens(String sql, List<Token> comments) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
                if (close >= 0) {
                    comments.add(new Token(sql.substring(start, i), start, i));
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                i++;
                while (i < n) {
                    if (sql.charAt(i) == c) {
                        // A doubled quote is the quote itself.
                        if (i + 1 < n && sql.charAt(i + 1) == c) {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
            } else if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
                        || sql.charAt(i) == '$')) {
                    i++;
                }
            } else {
                i++;
            }
            tokens.add(new Token(sql.substring(start, i), start, i));
        }
        return tokens;
    }

    private record Token(String text, int start, int end) {
        static final Token END = new Token("", -1, -1);

        boolean is(String word) {
            return text.toUpperCase(Locale.ROOT).equals(word);
        }
    }
}
