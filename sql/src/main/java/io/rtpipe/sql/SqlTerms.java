package io.rtpipe.sql;

import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.aggregate.AggregatorFactory;
import io.rtpipe.core.aggregate.AggregatorParams;
import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.aggregate.FieldUse;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.filter.FilterException;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the SQL dialects share, so each has one
 * owner: located errors, Calcite's syntax errors as one sentence, interval literals, aggregate calls and the WHERE
 * condition as the engine's filter. A dialect says how a column names an event field ({@code fieldOf}). One per
 * loaded file.
 */
final class SqlTerms {

    /** Why a condition on aggregated values (HAVING) is refused, in every dialect. */
    static final String MERGE_REASON = "results are per-shard partial windows merged when they are read, so "
            + "a condition on one shard's partial is not the condition on the merged window";

    private final AggregatorRegistry registry;
    private final String file;

    /** The text of a SQL spec file; a file that cannot be read is a located sentence naming it. */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecException(file.toString(), 1, 1, "the file cannot be read as UTF-8 text (" + e + ").");
        }
    }

    SqlTerms(AggregatorRegistry registry, String file) {
        this.registry = registry;
        this.file = file;
    }

    SpecException error(SqlNode at, String sentence) {
        return error(at.getParserPosition(), sentence);
    }

    SpecException error(SqlParserPos pos, String sentence) {
        return new SpecException(file, Math.max(1, pos.getLineNum()), Math.max(1, pos.getColumnNum()), sentence);
    }

    SpecException syntax(SqlParseException e) {
        SqlParserPos pos = e.getPos() == null ? SqlParserPos.ZERO : e.getPos();
        String message = e.getMessage() == null ? "" : e.getMessage().split("\\R", 2)[0];
        int at = message.indexOf(" at line ");
        String what = (at > 0 ? message.substring(0, at) : message).trim();
        if (what.endsWith(".")) {
            what = what.substring(0, what.length() - 1);
        }
        return error(pos, "SQL syntax error: " + (what.isEmpty() ? "cannot parse here" : what) + ".");
    }

    Duration interval(SqlNode node, String what) {
        if (!(node instanceof SqlIntervalLiteral literal)) {
            throw error(node, what + " must be an interval literal such as INTERVAL '1' MINUTE.");
        }
        SqlIntervalLiteral.IntervalValue value = literal.getValueAs(SqlIntervalLiteral.IntervalValue.class);
        long millis;
        try {
            millis = SqlParserUtil.intervalToMillis(value);
        } catch (RuntimeException e) {
            throw error(node, what + " must be a day-time interval such as INTERVAL '30' SECOND; months and "
                    + "years have no fixed length.");
        }
        Duration duration = Duration.ofMillis(millis);
        String range = SpecLoader.durationRange(duration, false);
        if (range != null) {
            throw error(node, what + " must be " + range + ", found " + literal + ".");
        }
        return duration;
    }

    AggregateSpec aggregate(String valueName, SqlNode expr, Function<SqlIdentifier, String> fieldOf) {
        if (expr.getKind() == SqlKind.FILTER) {
            throw error(expr, "FILTER (WHERE ...) on an aggregate is refused: write the condition in the "
                    + "metric's WHERE, or define another metric.");
        }
        if (expr.getKind() == SqlKind.OVER) {
            throw error(expr, "OVER is refused: windows come from TUMBLE, HOP or SESSION in FROM.");
        }
        Map<String, SqlNode> params = new LinkedHashMap<>();
        List<SqlNode> listFields = List.of();
        SqlNode field;
        String fn;
        SqlCall call;
        if (expr.getKind() == SqlKind.WITHIN_GROUP) {
            SqlCall within = (SqlCall) expr;
            call = within.operand(0);
            String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
            SqlNodeList order = within.operand(1);
            if (!name.equals("PERCENTILE_CONT") || call.operandCount() != 1 || order.size() != 1
                    || !(order.get(0) instanceof SqlIdentifier)) {
                throw error(expr, "WITHIN GROUP is taken only as PERCENTILE_CONT(q) WITHIN GROUP (ORDER BY "
                        + "field).");
            }
            fn = "quantile";
            field = order.get(0);
            params.put("q", call.operand(0));
        } else if (expr instanceof SqlCall c) {
            call = c;
            String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
            boolean distinct = call.getFunctionQuantifier() != null
                    && "DISTINCT".equalsIgnoreCase(call.getFunctionQuantifier().toValue());
            List<SqlNode> positional = new ArrayList<>();
            for (SqlNode operand : call.getOperandList()) {
                if (operand.getKind() == SqlKind.ARGUMENT_ASSIGNMENT) {
                    SqlCall assignment = (SqlCall) operand;
                    params.put(((SqlIdentifier) assignment.operand(1)).getSimple(), assignment.operand(0));
                } else {
                    positional.add(operand);
                }
            }
            field = positional.isEmpty() ? null : positional.get(0);
            if (distinct && !name.equals("COUNT")) {
                throw error(expr, "DISTINCT is taken only as COUNT(DISTINCT field).");
            }
            fn = switch (name) {
                case "COUNT" -> distinct ? "distinct" : "count";
                case "APPROX_COUNT_DISTINCT" -> "distinct";
                case "SUM", "MIN", "MAX", "AVG" -> name.toLowerCase(Locale.ROOT);
                case "FIRST_VALUE" -> "first";
                case "LAST_VALUE" -> "last";
                case "APPROX_PERCENTILE", "PERCENTILE_APPROX" -> "quantile";
                case "TOP_K", "APPROX_TOP_K", "TOPK" -> "topk";
                default -> name.toLowerCase(Locale.ROOT);
            };
            int extra = positional.size() - (field == null ? 0 : 1);
            if (registry.factory(fn).map(f -> f.field() == FieldUse.LIST).orElse(false)) {
                listFields = positional; // RANDOM_CUT_FOREST(x, y, ...): every positional operand is a field
                field = null;
                extra = 0;
            }
            if (fn.equals("quantile") && params.isEmpty() && extra >= 1) {
                params.put("q", positional.get(1));
                if (extra >= 2) {
                    params.put("relative_accuracy", positional.get(2));
                }
                extra = Math.max(0, extra - 2);
            } else if (fn.equals("topk") && params.isEmpty() && extra == 1) {
                params.put("k", positional.get(1));
                extra = 0;
            }
            if (extra > 0) {
                throw error(positional.get(positional.size() - 1), name + " takes one field; give other "
                        + "parameters by name, e.g. " + name + "(field, k => 10).");
            }
            if (field instanceof SqlIdentifier id && id.isStar()) {
                if (!fn.equals("count")) {
                    throw error(id, name + "(*) is refused: only COUNT takes *.");
                }
                field = null;
            }
        } else {
            throw error(expr, "found " + expr + ", expected an aggregate such as COUNT(*), SUM(amount) or "
                    + "APPROX_PERCENTILE(amount, 0.99).");
        }
        String functions = "COUNT, COUNT(DISTINCT), SUM, MIN, MAX, AVG, APPROX_PERCENTILE, PERCENTILE_CONT, "
                + "TOP_K, FIRST_VALUE, LAST_VALUE, RANDOM_CUT_FOREST or one of " + String.join(", ", registry.names());
        AggregatorFactory factory = registry.factory(fn).orElseThrow(() -> error(expr,
                "unknown aggregate function " + call.getOperator().getName() + ", expected " + functions + "."));
        FieldPath path = null;
        if (field != null) {
            if (!(field instanceof SqlIdentifier id)) {
                throw error(field, "an aggregate takes a field path such as amount or geo.price, found "
                        + field + " (compute an expression with a YAML derive: field).");
            }
            if (factory.field() == FieldUse.NONE) {
                throw error(field, call.getOperator().getName() + " takes no field.");
            }
            path = FieldPath.parse(fieldOf.apply(id));
        } else if (factory.field() == FieldUse.REQUIRED) {
            throw error(expr, call.getOperator().getName() + " needs the field it aggregates, e.g. "
                    + call.getOperator().getName() + "(amount).");
        }
        List<FieldPath> fields = new ArrayList<>();
        for (SqlNode listed : listFields) {
            if (!(listed instanceof SqlIdentifier id)) {
                throw error(listed, call.getOperator().getName() + " takes field paths such as latency_ms, found "
                        + listed + " (compute an expression with a YAML derive: field).");
            }
            FieldPath listedPath = FieldPath.parse(fieldOf.apply(id));
            if (fields.contains(listedPath)) {
                throw error(listed, listedPath + " is listed twice.");
            }
            fields.add(listedPath);
        }
        if (factory.field() == FieldUse.LIST && (fields.isEmpty() || fields.size() > AggregateSpec.MAX_FIELDS)) {
            throw error(expr, call.getOperator().getName() + " takes 1 to " + AggregateSpec.MAX_FIELDS
                    + " numeric fields, e.g. " + call.getOperator().getName() + "(latency_ms, bytes).");
        }
        for (Map.Entry<String, SqlNode> param : params.entrySet()) {
            if (!factory.parameters().contains(param.getKey())) {
                throw error(param.getValue(), fn + " takes no parameter " + param.getKey()
                        + (factory.parameters().isEmpty() ? "" : ", expected one of "
                        + String.join(", ", factory.parameters())) + ".");
            }
            if (!(param.getValue() instanceof SqlNumericLiteral)) {
                throw error(param.getValue(), "the parameter " + param.getKey() + " must be a number, found "
                        + param.getValue() + ".");
            }
        }
        Aggregator aggregator = factory.create(new LocatedParams(params, path != null || !fields.isEmpty(),
                fields.stream().map(FieldPath::toString).toList(), expr));
        Map<String, String> texts = new LinkedHashMap<>();
        for (String parameter : factory.parameters()) {
            if (params.containsKey(parameter)) {
                texts.put(parameter, ((SqlLiteral) params.get(parameter)).toValue());
            }
        }
        return new AggregateSpec(valueName, fn, path, aggregator, texts, fields);
    }

    EventFilter filter(SqlNode where, Function<SqlIdentifier, String> fieldOf) {
        return where == null ? null : filter(where, new CelText(this::error, fieldOf));
    }

    /**
     * A KDA WHERE ({@link CelText#kda}).
     *
     * @param eventField whether a column is a field of the decoded event (not one computed per event)
     */
    EventFilter filter(SqlNode where, Function<SqlIdentifier, String> fieldOf, Predicate<SqlIdentifier> eventField) {
        return where == null ? null : filter(where, CelText.kda(this::error, fieldOf, eventField));
    }

    private EventFilter filter(SqlNode where, CelText celText) {
        String cel = celText.of(where);
        try {
            return EventFilter.compile(cel);
        } catch (FilterException e) {
            throw error(where, "the WHERE condition, as the CEL filter " + cel + ", does not compile ("
                    + e.getMessage() + ").");
        }
    }

    String path(SqlIdentifier id) {
        String path = String.join(".", id.names);
        if (!FieldPath.isValid(path)) {
            throw error(id, "found " + id + ", expected a field path such as amount or geo.country.");
        }
        return path;
    }

    /** Aggregate parameters whose mistakes point at their place in the file. */
    private final class LocatedParams implements AggregatorParams {
        private final Map<String, SqlNode> params;
        private final boolean hasField;
        private final List<String> fields;
        private final SqlNode call;

        LocatedParams(Map<String, SqlNode> params, boolean hasField, List<String> fields, SqlNode call) {
            this.params = params;
            this.hasField = hasField;
            this.fields = fields;
            this.call = call;
        }

        @Override
        public boolean hasField() {
            return hasField;
        }

        @Override
        public List<String> fields() {
            return fields;
        }

        @Override
        public boolean has(String key) {
            return params.containsKey(key);
        }

        @Override
        public double number(String key, double defaultValue) {
            SqlNode node = params.get(key);
            return node == null ? defaultValue : ((SqlLiteral) node).getValueAs(BigDecimal.class).doubleValue();
        }

        @Override
        public long integer(String key, long defaultValue) {
            SqlNode node = params.get(key);
            if (node == null) {
                return defaultValue;
            }
            SqlNumericLiteral literal = (SqlNumericLiteral) node;
            if (!literal.isInteger()) {
                throw invalid(key, "a whole number");
            }
            return literal.getValueAs(BigDecimal.class).longValueExact();
        }

        @Override
        public RuntimeException invalid(String key, String expected) {
            SqlNode node = params.getOrDefault(key, call);
            return error(node, "the parameter " + key + (params.containsKey(key) ? " is " + node : " is missing")
                    + ", expected " + expected + ".");
        }
    }
}
