package io.rtpipe.sql;

import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.metric.WindowSpec;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlHint;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.util.NlsString;

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
 * {@link SpecLoader} builds: one {@code INSERT INTO metric SELECT ... FROM TABLE(TUMBLE|HOP|SESSION|STAGGER(...)) ... GROUP BY
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
            + "HOP(TABLE events, DESCRIPTOR(ts), slide, size), SESSION(TABLE events, DESCRIPTOR(ts), gap) "
            + "or STAGGER(TABLE events, DESCRIPTOR(ts), size)";

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
        return parse(file.toString(), SqlTerms.read(file));
    }

    /** Parses SQL text into an engine configuration; {@code fileName} is used in error messages. */
    public EngineConfig parse(String fileName, String sql) {
        return new Run(fileName).document(sql);
    }

    /** One load: knows the file name for errors. */
    private final class Run {
        private final String file;
        private final SqlTerms terms;

        Run(String file) {
            this.file = file;
            this.terms = new SqlTerms(registry, file);
        }

        EngineConfig document(String sql) {
            SqlNodeList statements;
            try {
                statements = SqlParser.create(sql, PARSER).parseStmtList();
            } catch (SqlParseException e) {
                throw terms.syntax(e);
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
                    throw terms.error(((SqlInsert) statement).getTargetTable(), "the metric " + metric.name()
                            + " is defined twice; each metric name once.");
                }
                metrics.add(metric);
            }
            return EngineConfig.builder().metrics(metrics).decoder(DecoderSpec.json()).build();
        }

        private MetricSpec statement(SqlNode statement) {
            if (!(statement instanceof SqlInsert insert)) {
                if (statement.getKind() == SqlKind.ORDER_BY || statement instanceof SqlSelect) {
                    throw terms.error(statement, "a query needs the metric it defines: write INSERT INTO metric_name "
                            + "SELECT ...");
                }
                throw terms.error(statement, "found " + statement.getKind() + ", expected INSERT INTO metric_name SELECT "
                        + "...; each statement defines one metric.");
            }
            if (insert.getTargetColumnList() != null) {
                throw terms.error(insert.getTargetColumnList(), "INSERT INTO takes no column list: the metric's values "
                        + "are named by the SELECT's aliases.");
            }
            SqlNode target = insert.getTargetTable();
            String name = target instanceof SqlIdentifier id && id.isSimple() ? id.getSimple() : null;
            if (name == null || !MetricSpec.isValidName(name)) {
                throw terms.error(target, "the metric name must be 1-63 lower-case letters, digits or underscores "
                        + "starting with a letter, found " + target + ".");
            }
            SqlNode source = insert.getSource();
            if (source instanceof SqlOrderBy orderBy) {
                SqlNode at = orderBy.orderList.isEmpty() ? orderBy : orderBy.orderList.get(0);
                throw terms.error(at, "ORDER BY, LIMIT and OFFSET are refused: a stream has no end to sort or cut at, and "
                        + "results are written window by window.");
            }
            if (!(source instanceof SqlSelect select)) {
                throw terms.error(source, "found " + source.getKind() + ", expected one SELECT (UNION and VALUES are "
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
                        throw terms.error(item, "a group key or window column keeps its name in the results: drop AS "
                                + ((SqlCall) item).operand(1) + ".");
                    }
                    if (id.isStar()) {
                        throw terms.error(id, "SELECT * is refused: a metric selects its group keys and named aggregates.");
                    }
                    String column = terms.path(id);
                    if (!column.equals(WINDOW_START) && !column.equals(WINDOW_END)
                            && !keys.contains(FieldPath.parse(column))) {
                        throw terms.error(id, column + " is neither in GROUP BY nor aggregated; a non-windowed or "
                                + "per-event result is not something the engine computes.");
                    }
                    continue;
                }
                if (item == expr) {
                    throw terms.error(item, "name each aggregate with AS, e.g. COUNT(*) AS orders: the name is the "
                            + "result's value name.");
                }
                SqlIdentifier alias = (SqlIdentifier) ((SqlCall) item).operand(1);
                String valueName = alias.getSimple();
                if (!MetricSpec.isValidName(valueName)) {
                    throw terms.error(alias, "an aggregate name must be 1-63 lower-case letters, digits or underscores "
                            + "starting with a letter, found " + valueName + ".");
                }
                if (!valueNames.add(valueName)) {
                    throw terms.error(alias, "the aggregate name " + valueName + " is used twice in this metric.");
                }
                aggregates.add(terms.aggregate(valueName, expr, terms::path));
            }
            if (aggregates.isEmpty()) {
                throw terms.error(select.getSelectList(), "a metric selects at least one aggregate, e.g. COUNT(*) AS "
                        + "events.");
            }
            MetricSpec.Builder metric = MetricSpec.builder(name).groupBy(keys).timestamp(window.timestamp)
                    .windows(window.windows).aggregates(aggregates).filter(terms.filter(select.getWhere(), terms::path));
            HintValue lateness = options.get("allowed_lateness");
            if (lateness != null) {
                metric.allowedLateness(duration(lateness, true));
            }
            HintValue dedup = options.get("dedup");
            if (dedup != null) {
                if (!FieldPath.isValid(dedup.value)) {
                    throw terms.error(dedup.at, "'dedup' must be the event-id field path such as event_id, found '"
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
                    throw terms.error(maxKeys.at, "'max_keys_per_window' must be a whole number from 1 to "
                            + Integer.MAX_VALUE + ", found '" + maxKeys.value + "'.");
                }
                metric.maxKeysPerWindow((int) n);
            }
            return metric.build();
        }

        private void refuseUnsupported(SqlSelect select) {
            if (select.isDistinct()) {
                throw terms.error(select, "SELECT DISTINCT is refused: use COUNT(DISTINCT x) for distinct values per "
                        + "window.");
            }
            if (select.getHaving() != null) {
                throw terms.error(select.getHaving(), "HAVING is refused: " + SqlTerms.MERGE_REASON + "; filter the merged "
                        + "results when you read them.");
            }
            if (select.getQualify() != null) {
                throw terms.error(select.getQualify(), "QUALIFY is refused: " + SqlTerms.MERGE_REASON + ".");
            }
            if (select.getWindowList() != null && !select.getWindowList().isEmpty()) {
                throw terms.error(select.getWindowList(), "WINDOW clauses and OVER are refused: windows come from "
                        + "TUMBLE, HOP, SESSION or STAGGER in FROM.");
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
                    throw terms.error(hint, "the only hint is OPTIONS('key'='value', ...), found " + hint.getName() + ".");
                }
                // The operand after the name is the options as written: key, value, key, value, ...
                SqlNodeList list = (SqlNodeList) hint.getOperandList().get(1);
                for (int i = 0; i + 1 < list.size(); i += 2) {
                    SqlNode keyNode = list.get(i);
                    String key = text(keyNode);
                    if (!OPTION_KEYS.contains(key)) {
                        throw terms.error(keyNode, "unknown option '" + key + "', expected one of "
                                + String.join(", ", OPTION_KEYS) + ".");
                    }
                    if (options.containsKey(key)) {
                        throw terms.error(keyNode, "the option '" + key + "' is given twice.");
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
                throw terms.error(value.at, "found '" + value.value + "', expected a duration such as 30s, 1m, 1h.");
            }
            String range = SpecLoader.durationRange(duration, zeroAllowed);
            if (range != null) {
                throw terms.error(value.at, "found '" + value.value + "', expected " + range + ".");
            }
            return duration;
        }

        private Window window(SqlNode from, Map<String, HintValue> options) {
            if (from instanceof SqlJoin join) {
                throw terms.error(join, "joins are refused: the engine aggregates one stream, shard by shard, and a "
                        + "join would need state across shards it does not keep.");
            }
            SqlNode unaliased = from.getKind() == SqlKind.AS ? ((SqlCall) from).operand(0) : from;
            if (unaliased instanceof SqlSelect) {
                throw terms.error(unaliased, "subqueries are refused: a metric is one windowed aggregation over the "
                        + "stream.");
            }
            if (unaliased instanceof SqlIdentifier) {
                throw terms.error(unaliased, "non-windowed aggregation is refused: a stream never ends, so results "
                        + "need a window: FROM " + WINDOW_RULE + ".");
            }
            if (unaliased.getKind() != SqlKind.COLLECTION_TABLE) {
                throw terms.error(unaliased, "found " + unaliased.getKind() + " in FROM, expected " + WINDOW_RULE + ".");
            }
            SqlNode inner = ((SqlCall) unaliased).operand(0);
            String fn = inner instanceof SqlCall call ? call.getOperator().getName().toUpperCase(Locale.ROOT) : "";
            if (!List.of("TUMBLE", "HOP", "SESSION", "STAGGER").contains(fn)) {
                throw terms.error(inner, "found the table function " + (fn.isEmpty() ? inner : fn) + ", expected "
                        + WINDOW_RULE + ".");
            }
            List<SqlNode> args = ((SqlCall) inner).getOperandList();
            int expected = fn.equals("HOP") ? 4 : 3;
            if (args.size() != expected) {
                throw terms.error(inner, fn + " takes " + expected + " arguments, found " + args.size() + "; expected "
                        + WINDOW_RULE + ".");
            }
            SqlNode table = args.get(0);
            if (table.getKind() != SqlKind.EXPLICIT_TABLE) {
                throw terms.error(table, fn + "'s first argument is the stream, written TABLE events (any name; "
                        + "PARTITION BY is refused: sessions and stagger windows are per group key already).");
            }
            TimestampSource timestamp = timestamp(args.get(1), fn, options);
            WindowSpec windows = switch (fn) {
                case "TUMBLE" -> TumblingWindows.of(terms.interval(args.get(2), "the window size"));
                case "SESSION" -> SessionWindows.withGap(terms.interval(args.get(2), "the session gap"));
                case "STAGGER" -> StaggerWindows.of(terms.interval(args.get(2), "the stagger window size"));
                default -> {
                    Duration slide = terms.interval(args.get(2), "the hop slide");
                    Duration size = terms.interval(args.get(3), "the hop size");
                    if (slide.compareTo(size) > 0 || size.toMillis() % slide.toMillis() != 0) {
                        throw terms.error(args.get(2), "the slide must divide the size " + size.toMillis() + "ms evenly "
                                + "(HOP's third argument is the slide, the fourth the size).");
                    }
                    if (size.toMillis() / slide.toMillis() > HoppingWindows.MAX_WINDOWS_PER_EVENT) {
                        throw terms.error(args.get(2), "the slide must be at least 1/" + HoppingWindows.MAX_WINDOWS_PER_EVENT
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
                throw terms.error(node, fn + "'s second argument is the time column, DESCRIPTOR(ts) for an event-time "
                        + "field or DESCRIPTOR(arrival) for Kinesis' arrival time.");
            }
            HintValue format = options.get("timestamp_format");
            HintValue maxAhead = options.get("max_ahead");
            String path = terms.path(column);
            if (path.equals(ARRIVAL)) {
                HintValue extra = format != null ? format : maxAhead;
                if (extra != null) {
                    throw terms.error(extra.at, "timestamp_format and max_ahead apply to an event-time field, not to "
                            + "DESCRIPTOR(arrival).");
                }
                return TimestampSource.arrivalTime();
            }
            TimestampSource.TimeFormat timeFormat = TimestampSource.TimeFormat.EPOCH_MILLIS;
            if (format != null) {
                timeFormat = Arrays.stream(TimestampSource.TimeFormat.values())
                        .filter(f -> f.specName().equals(format.value)).findFirst()
                        .orElseThrow(() -> terms.error(format.at, "found timestamp_format '" + format.value
                                + "', expected one of " + Arrays.stream(TimestampSource.TimeFormat.values())
                                .map(TimestampSource.TimeFormat::specName).collect(Collectors.joining(", ")) + "."));
            }
            Duration ahead = maxAhead == null ? TimestampSource.DEFAULT_MAX_AHEAD : duration(maxAhead, true);
            return new TimestampSource.EventTimeField(FieldPath.parse(path), timeFormat, ahead);
        }

        private List<FieldPath> groupBy(SqlSelect select) {
            SqlNodeList group = select.getGroup();
            if (group == null || group.isEmpty()) {
                throw terms.error(select, "a metric aggregates per window: GROUP BY window_start, window_end and the "
                        + "keys (non-windowed aggregation is refused: a stream never ends).");
            }
            List<FieldPath> keys = new ArrayList<>();
            boolean start = false;
            boolean end = false;
            for (SqlNode item : group) {
                if (!(item instanceof SqlIdentifier id)) {
                    throw terms.error(item, "GROUP BY takes field paths such as page or geo.country, found " + item
                            + ".");
                }
                String column = terms.path(id);
                if (column.equals(WINDOW_START)) {
                    start = true;
                } else if (column.equals(WINDOW_END)) {
                    end = true;
                } else {
                    FieldPath key = FieldPath.parse(column);
                    if (keys.contains(key)) {
                        throw terms.error(item, "GROUP BY names " + column + " twice.");
                    }
                    keys.add(key);
                }
            }
            if (!start || !end) {
                throw terms.error(group, "GROUP BY must name window_start and window_end: results are per window "
                        + "(non-windowed aggregation is refused: a stream never ends).");
            }
            return keys;
        }

    }

    private record HintValue(String value, SqlNode at) {
    }

    private record Window(TimestampSource timestamp, WindowSpec windows) {
    }
}
