package io.rtpipe.sql;

import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.aggregate.AggregatorFactory;
import io.rtpipe.core.aggregate.AggregatorParams;
import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.aggregate.FieldUse;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.filter.FilterException;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.metric.WindowSpec;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlHint;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;
import org.apache.calcite.util.NlsString;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads metric specs written in SQL (dialect: docs/sql.md) into the same {@link EngineConfig} core's YAML
 * {@link SpecLoader} builds: one {@code INSERT INTO metric SELECT ... FROM TABLE(TUMBLE|HOP|SESSION(...)) ... GROUP BY
 * window_start, window_end, keys} per metric, statements separated by {@code ;}. Parsing is Calcite's parser (the one
 * Flink's SQL uses, case-sensitive identifiers, back-tick quoting); nothing is planned or executed by Calcite. Every
 * mistake, and every query the engine cannot run exactly, is a {@link SpecException} of one sentence located by line
 * and column ({@code app.sql:3:15: ...}). Immutable and thread-safe.
 */
public final class SqlSpecLoader {

    /** The {@code DESCRIPTOR} column that means the record's Kinesis arrival time, as YAML's {@code timestamp: arrival}. */
    public static final String ARRIVAL = "arrival";
    /** The only hint a SELECT takes: {@code /*+ OPTIONS('key'='value', ...) *}{@code /}. */
    public static final String OPTIONS_HINT = "OPTIONS";

    private static final String WINDOW_START = "window_start";
    private static final String WINDOW_END = "window_end";
    private static final List<String> OPTION_KEYS = List.of("allowed_lateness", "dedup", "max_keys_per_window",
            "timestamp_format", "max_ahead");
    private static final String WINDOW_RULE = "TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)), "
            + "HOP(TABLE events, DESCRIPTOR(ts), slide, size) or SESSION(TABLE events, DESCRIPTOR(ts), gap)";
    private static final String MERGE_REASON = "results are per-shard partial windows merged when they are read, so "
            + "a condition on one shard's partial is not the condition on the merged window";

    private static final SqlParser.Config PARSER = SqlParser.config()
            .withQuoting(Quoting.BACK_TICK)
            .withUnquotedCasing(Casing.UNCHANGED)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(true);

    private final AggregatorRegistry registry;

    /** @param registry the aggregate functions a spec may use (built-ins are mapped from SQL's names, others by name) */
    public SqlSpecLoader(AggregatorRegistry registry) {
        this.registry = registry;
    }

    /** A loader that knows the built-in functions and those found by {@link java.util.ServiceLoader}. */
    public static SqlSpecLoader standard() {
        return new SqlSpecLoader(AggregatorRegistry.withServiceLoader(SqlSpecLoader.class.getClassLoader()));
    }

    /** Loads the SQL file {@code file}; errors name the file as given. */
    public EngineConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecException(file.toString(), 1, 1, "the file cannot be read as UTF-8 text (" + e + ").");
        }
        return parse(file.toString(), text);
    }

    /** Parses SQL text into an engine configuration; {@code fileName} is used in error messages. */
    public EngineConfig parse(String fileName, String sql) {
        return new Run(fileName).document(sql);
    }

    /** One load: knows the file name for errors. */
    private final class Run {
        private final String file;

        Run(String file) {
            this.file = file;
        }

        private SpecException error(SqlNode at, String sentence) {
            return error(at.getParserPosition(), sentence);
        }

        private SpecException error(SqlParserPos pos, String sentence) {
            return new SpecException(file, Math.max(1, pos.getLineNum()), Math.max(1, pos.getColumnNum()), sentence);
        }

        EngineConfig document(String sql) {
            SqlNodeList statements;
            try {
                statements = SqlParser.create(sql, PARSER).parseStmtList();
            } catch (SqlParseException e) {
                throw syntax(e);
            }
            if (statements.isEmpty()) {
                throw new SpecException(file, 1, 1, "found no statement, expected one INSERT INTO metric SELECT ... "
                        + "per metric.");
            }
            List<MetricSpec> metrics = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (SqlNode statement : statements) {
                MetricSpec metric = statement(statement);
                if (!names.add(metric.name())) {
                    throw error(((SqlInsert) statement).getTargetTable(), "the metric " + metric.name()
                            + " is defined twice; each metric name once.");
                }
                metrics.add(metric);
            }
            return EngineConfig.builder().metrics(metrics).decoder(DecoderSpec.json()).build();
        }

        private SpecException syntax(SqlParseException e) {
            SqlParserPos pos = e.getPos() == null ? SqlParserPos.ZERO : e.getPos();
            String message = e.getMessage() == null ? "" : e.getMessage().split("\\R", 2)[0];
            int at = message.indexOf(" at line ");
            String what = (at > 0 ? message.substring(0, at) : message).trim();
            if (what.endsWith(".")) {
                what = what.substring(0, what.length() - 1);
            }
            return error(pos, "SQL syntax error: " + (what.isEmpty() ? "cannot parse here" : what) + ".");
        }

        private MetricSpec statement(SqlNode statement) {
            if (!(statement instanceof SqlInsert insert)) {
                if (statement.getKind() == SqlKind.ORDER_BY || statement instanceof SqlSelect) {
                    throw error(statement, "a query needs the metric it defines: write INSERT INTO metric_name "
                            + "SELECT ...");
                }
                throw error(statement, "found " + statement.getKind() + ", expected INSERT INTO metric_name SELECT "
                        + "...; each statement defines one metric.");
            }
            if (insert.getTargetColumnList() != null) {
                throw error(insert.getTargetColumnList(), "INSERT INTO takes no column list: the metric's values "
                        + "are named by the SELECT's aliases.");
            }
            SqlNode target = insert.getTargetTable();
            String name = target instanceof SqlIdentifier id && id.isSimple() ? id.getSimple() : null;
            if (name == null || !MetricSpec.isValidName(name)) {
                throw error(target, "the metric name must be 1-63 lower-case letters, digits or underscores "
                        + "starting with a letter, found " + target + ".");
            }
            SqlNode source = insert.getSource();
            if (source instanceof SqlOrderBy orderBy) {
                SqlNode at = orderBy.orderList.isEmpty() ? orderBy : orderBy.orderList.get(0);
                throw error(at, "ORDER BY, LIMIT and OFFSET are refused: a stream has no end to sort or cut at, and "
                        + "results are written window by window.");
            }
            if (!(source instanceof SqlSelect select)) {
                throw error(source, "found " + source.getKind() + ", expected one SELECT (UNION and VALUES are "
                        + "refused: a metric is one windowed aggregation).");
            }
            return select(name, select);
        }

        private MetricSpec select(String name, SqlSelect select) {
            refuseUnsupported(select);
            Map<String, HintValue> options = options(select);
            Window window = window(select.getFrom(), options);
            List<FieldPath> keys = groupBy(select);
            List<AggregateSpec> aggregates = new ArrayList<>();
            Set<String> valueNames = new HashSet<>();
            for (SqlNode item : select.getSelectList()) {
                SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
                if (expr instanceof SqlIdentifier id) {
                    if (item != expr) {
                        throw error(item, "a group key or window column keeps its name in the results: drop AS "
                                + ((SqlCall) item).operand(1) + ".");
                    }
                    if (id.isStar()) {
                        throw error(id, "SELECT * is refused: a metric selects its group keys and named aggregates.");
                    }
                    String column = path(id);
                    if (!column.equals(WINDOW_START) && !column.equals(WINDOW_END)
                            && !keys.contains(FieldPath.parse(column))) {
                        throw error(id, column + " is neither in GROUP BY nor aggregated; a non-windowed or "
                                + "per-event result is not something the engine computes.");
                    }
                    continue;
                }
                if (item == expr) {
                    throw error(item, "name each aggregate with AS, e.g. COUNT(*) AS orders: the name is the "
                            + "result's value name.");
                }
                SqlIdentifier alias = (SqlIdentifier) ((SqlCall) item).operand(1);
                String valueName = alias.getSimple();
                if (!MetricSpec.isValidName(valueName)) {
                    throw error(alias, "an aggregate name must be 1-63 lower-case letters, digits or underscores "
                            + "starting with a letter, found " + valueName + ".");
                }
                if (!valueNames.add(valueName)) {
                    throw error(alias, "the aggregate name " + valueName + " is used twice in this metric.");
                }
                aggregates.add(aggregate(valueName, expr));
            }
            if (aggregates.isEmpty()) {
                throw error(select.getSelectList(), "a metric selects at least one aggregate, e.g. COUNT(*) AS "
                        + "events.");
            }
            MetricSpec.Builder metric = MetricSpec.builder(name).groupBy(keys).timestamp(window.timestamp)
                    .windows(window.windows).aggregates(aggregates).filter(filter(select.getWhere()));
            HintValue lateness = options.get("allowed_lateness");
            if (lateness != null) {
                metric.allowedLateness(duration(lateness, true));
            }
            HintValue dedup = options.get("dedup");
            if (dedup != null) {
                if (!FieldPath.isValid(dedup.value)) {
                    throw error(dedup.at, "'dedup' must be the event-id field path such as event_id, found '"
                            + dedup.value + "'.");
                }
                metric.dedup(dedup.value);
            }
            HintValue maxKeys = options.get("max_keys_per_window");
            if (maxKeys != null) {
                long n;
                try {
                    n = Long.parseLong(maxKeys.value);
                } catch (NumberFormatException e) {
                    n = 0;
                }
                if (n < 1 || n > Integer.MAX_VALUE) {
                    throw error(maxKeys.at, "'max_keys_per_window' must be a whole number from 1 to "
                            + Integer.MAX_VALUE + ", found '" + maxKeys.value + "'.");
                }
                metric.maxKeysPerWindow((int) n);
            }
            return metric.build();
        }

        private void refuseUnsupported(SqlSelect select) {
            if (select.isDistinct()) {
                throw error(select, "SELECT DISTINCT is refused: use COUNT(DISTINCT x) for distinct values per "
                        + "window.");
            }
            if (select.getHaving() != null) {
                throw error(select.getHaving(), "HAVING is refused: " + MERGE_REASON + "; filter the merged "
                        + "results when you read them.");
            }
            if (select.getQualify() != null) {
                throw error(select.getQualify(), "QUALIFY is refused: " + MERGE_REASON + ".");
            }
            if (select.getWindowList() != null && !select.getWindowList().isEmpty()) {
                throw error(select.getWindowList(), "WINDOW clauses and OVER are refused: windows come from "
                        + "TUMBLE, HOP or SESSION in FROM.");
            }
            // ORDER BY, LIMIT and OFFSET wrap the SELECT (SqlOrderBy), refused in statement().
        }

        private Map<String, HintValue> options(SqlSelect select) {
            Map<String, HintValue> options = new LinkedHashMap<>();
            if (select.getHints() == null) {
                return options;
            }
            for (SqlNode node : select.getHints()) {
                SqlHint hint = (SqlHint) node;
                if (!hint.getName().equalsIgnoreCase(OPTIONS_HINT)
                        || hint.getOptionFormat() != SqlHint.HintOptionFormat.KV_LIST) {
                    throw error(hint, "the only hint is OPTIONS('key'='value', ...), found " + hint.getName() + ".");
                }
                // The operand after the name is the options as written: key, value, key, value, ...
                SqlNodeList list = (SqlNodeList) hint.getOperandList().get(1);
                for (int i = 0; i + 1 < list.size(); i += 2) {
                    SqlNode keyNode = list.get(i);
                    String key = text(keyNode);
                    if (!OPTION_KEYS.contains(key)) {
                        throw error(keyNode, "unknown option '" + key + "', expected one of "
                                + String.join(", ", OPTION_KEYS) + ".");
                    }
                    if (options.containsKey(key)) {
                        throw error(keyNode, "the option '" + key + "' is given twice.");
                    }
                    options.put(key, new HintValue(text(list.get(i + 1)), list.get(i + 1)));
                }
            }
            return options;
        }

        private String text(SqlNode node) {
            if (node instanceof SqlLiteral literal) {
                Object value = literal.getValue();
                return value instanceof NlsString nls ? nls.getValue() : literal.toValue();
            }
            return node.toString();
        }

        private Duration duration(HintValue value, boolean zeroAllowed) {
            Duration duration = SpecLoader.parseDuration(value.value);
            if (duration == null) {
                throw error(value.at, "found '" + value.value + "', expected a duration such as 30s, 1m, 1h.");
            }
            String range = SpecLoader.durationRange(duration, zeroAllowed);
            if (range != null) {
                throw error(value.at, "found '" + value.value + "', expected " + range + ".");
            }
            return duration;
        }

        private Window window(SqlNode from, Map<String, HintValue> options) {
            if (from instanceof SqlJoin join) {
                throw error(join, "joins are refused: the engine aggregates one stream, shard by shard, and a "
                        + "join would need state across shards it does not keep.");
            }
            SqlNode unaliased = from.getKind() == SqlKind.AS ? ((SqlCall) from).operand(0) : from;
            if (unaliased instanceof SqlSelect) {
                throw error(unaliased, "subqueries are refused: a metric is one windowed aggregation over the "
                        + "stream.");
            }
            if (unaliased instanceof SqlIdentifier) {
                throw error(unaliased, "non-windowed aggregation is refused: a stream never ends, so results "
                        + "need a window: FROM " + WINDOW_RULE + ".");
            }
            if (unaliased.getKind() != SqlKind.COLLECTION_TABLE) {
                throw error(unaliased, "found " + unaliased.getKind() + " in FROM, expected " + WINDOW_RULE + ".");
            }
            SqlNode inner = ((SqlCall) unaliased).operand(0);
            String fn = inner instanceof SqlCall call ? call.getOperator().getName().toUpperCase(Locale.ROOT) : "";
            if (!List.of("TUMBLE", "HOP", "SESSION").contains(fn)) {
                throw error(inner, "found the table function " + (fn.isEmpty() ? inner : fn) + ", expected "
                        + WINDOW_RULE + ".");
            }
            List<SqlNode> args = ((SqlCall) inner).getOperandList();
            int expected = fn.equals("HOP") ? 4 : 3;
            if (args.size() != expected) {
                throw error(inner, fn + " takes " + expected + " arguments, found " + args.size() + "; expected "
                        + WINDOW_RULE + ".");
            }
            SqlNode table = args.get(0);
            if (table.getKind() != SqlKind.EXPLICIT_TABLE) {
                throw error(table, fn + "'s first argument is the stream, written TABLE events (any name; "
                        + "PARTITION BY is refused: sessions are per group key already).");
            }
            TimestampSource timestamp = timestamp(args.get(1), fn, options);
            WindowSpec windows = switch (fn) {
                case "TUMBLE" -> TumblingWindows.of(interval(args.get(2), "the window size"));
                case "SESSION" -> SessionWindows.withGap(interval(args.get(2), "the session gap"));
                default -> {
                    Duration slide = interval(args.get(2), "the hop slide");
                    Duration size = interval(args.get(3), "the hop size");
                    if (slide.compareTo(size) > 0 || size.toMillis() % slide.toMillis() != 0) {
                        throw error(args.get(2), "the slide must divide the size " + size.toMillis() + "ms evenly "
                                + "(HOP's third argument is the slide, the fourth the size).");
                    }
                    if (size.toMillis() / slide.toMillis() > HoppingWindows.MAX_WINDOWS_PER_EVENT) {
                        throw error(args.get(2), "the slide must be at least 1/" + HoppingWindows.MAX_WINDOWS_PER_EVENT
                                + " of the size.");
                    }
                    yield HoppingWindows.of(size, slide);
                }
            };
            return new Window(timestamp, windows);
        }

        private TimestampSource timestamp(SqlNode node, String fn, Map<String, HintValue> options) {
            // The parser leaves DESCRIPTOR an unresolved function call.
            List<SqlNode> columns = node instanceof SqlCall call
                    && call.getOperator().getName().equalsIgnoreCase("DESCRIPTOR") ? call.getOperandList() : List.of();
            if (columns.size() != 1 || !(columns.get(0) instanceof SqlIdentifier column)) {
                throw error(node, fn + "'s second argument is the time column, DESCRIPTOR(ts) for an event-time "
                        + "field or DESCRIPTOR(arrival) for Kinesis' arrival time.");
            }
            HintValue format = options.get("timestamp_format");
            HintValue maxAhead = options.get("max_ahead");
            String path = path(column);
            if (path.equals(ARRIVAL)) {
                HintValue extra = format != null ? format : maxAhead;
                if (extra != null) {
                    throw error(extra.at, "timestamp_format and max_ahead apply to an event-time field, not to "
                            + "DESCRIPTOR(arrival).");
                }
                return TimestampSource.arrivalTime();
            }
            TimestampSource.TimeFormat timeFormat = TimestampSource.TimeFormat.EPOCH_MILLIS;
            if (format != null) {
                timeFormat = Arrays.stream(TimestampSource.TimeFormat.values())
                        .filter(f -> f.specName().equals(format.value)).findFirst()
                        .orElseThrow(() -> error(format.at, "found timestamp_format '" + format.value
                                + "', expected one of " + Arrays.stream(TimestampSource.TimeFormat.values())
                                .map(TimestampSource.TimeFormat::specName).collect(Collectors.joining(", ")) + "."));
            }
            Duration ahead = maxAhead == null ? TimestampSource.DEFAULT_MAX_AHEAD : duration(maxAhead, true);
            return new TimestampSource.EventTimeField(FieldPath.parse(path), timeFormat, ahead);
        }

        private Duration interval(SqlNode node, String what) {
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

        private List<FieldPath> groupBy(SqlSelect select) {
            SqlNodeList group = select.getGroup();
            if (group == null || group.isEmpty()) {
                throw error(select, "a metric aggregates per window: GROUP BY window_start, window_end and the "
                        + "keys (non-windowed aggregation is refused: a stream never ends).");
            }
            List<FieldPath> keys = new ArrayList<>();
            boolean start = false;
            boolean end = false;
            for (SqlNode item : group) {
                if (!(item instanceof SqlIdentifier id)) {
                    throw error(item, "GROUP BY takes field paths such as page or geo.country, found " + item
                            + ".");
                }
                String column = path(id);
                if (column.equals(WINDOW_START)) {
                    start = true;
                } else if (column.equals(WINDOW_END)) {
                    end = true;
                } else {
                    FieldPath key = FieldPath.parse(column);
                    if (keys.contains(key)) {
                        throw error(item, "GROUP BY names " + column + " twice.");
                    }
                    keys.add(key);
                }
            }
            if (!start || !end) {
                throw error(group, "GROUP BY must name window_start and window_end: results are per window "
                        + "(non-windowed aggregation is refused: a stream never ends).");
            }
            return keys;
        }

        private AggregateSpec aggregate(String valueName, SqlNode expr) {
            if (expr.getKind() == SqlKind.FILTER) {
                throw error(expr, "FILTER (WHERE ...) on an aggregate is refused: write the condition in the "
                        + "metric's WHERE, or define another metric.");
            }
            if (expr.getKind() == SqlKind.OVER) {
                throw error(expr, "OVER is refused: windows come from TUMBLE, HOP or SESSION in FROM.");
            }
            Map<String, SqlNode> params = new LinkedHashMap<>();
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
                    + "TOP_K, FIRST_VALUE, LAST_VALUE or one of " + String.join(", ", registry.names());
            AggregatorFactory factory = registry.factory(fn).orElseThrow(() -> error(expr,
                    "unknown aggregate function " + call.getOperator().getName() + ", expected " + functions + "."));
            FieldPath path = null;
            if (field != null) {
                if (!(field instanceof SqlIdentifier id)) {
                    throw error(field, "an aggregate takes a field path such as amount or geo.price, found "
                            + field + " (expressions are not computed per event).");
                }
                if (factory.field() == FieldUse.NONE) {
                    throw error(field, call.getOperator().getName() + " takes no field.");
                }
                path = FieldPath.parse(path(id));
            } else if (factory.field() == FieldUse.REQUIRED) {
                throw error(expr, call.getOperator().getName() + " needs the field it aggregates, e.g. "
                        + call.getOperator().getName() + "(amount).");
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
            Aggregator aggregator = factory.create(new LocatedParams(params, path != null, expr));
            Map<String, String> texts = new LinkedHashMap<>();
            for (String parameter : factory.parameters()) {
                if (params.containsKey(parameter)) {
                    texts.put(parameter, ((SqlLiteral) params.get(parameter)).toValue());
                }
            }
            return new AggregateSpec(valueName, fn, path, aggregator, texts);
        }

        private EventFilter filter(SqlNode where) {
            if (where == null) {
                return null;
            }
            String cel = new CelText(this::error).of(where);
            try {
                return EventFilter.compile(cel);
            } catch (FilterException e) {
                throw error(where, "the WHERE condition, as the CEL filter " + cel + ", does not compile ("
                        + e.getMessage() + ").");
            }
        }

        private String path(SqlIdentifier id) {
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
            private final SqlNode call;

            LocatedParams(Map<String, SqlNode> params, boolean hasField, SqlNode call) {
                this.params = params;
                this.hasField = hasField;
                this.call = call;
            }

            @Override
            public boolean hasField() {
                return hasField;
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

    private record HintValue(String value, SqlNode at) {
    }

    private record Window(TimestampSource timestamp, WindowSpec windows) {
    }
}
