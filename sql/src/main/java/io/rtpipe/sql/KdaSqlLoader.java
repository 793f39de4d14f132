package io.rtpipe.sql;

import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.aggregate.AggregatorParams;
import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.filter.EventExpression;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.filter.FilterException;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.metric.WindowSpec;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecWriter;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.util.Litmus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads Amazon Kinesis Data Analytics (KDA) SQL application code, as its users wrote it, into the same
 * {@link EngineConfig} the YAML and rtpipe SQL loaders build (docs/sql.md, "KDA SQL"): {@code CREATE OR REPLACE
 * STREAM} and {@code CREATE OR REPLACE PUMP ... AS INSERT INTO ... SELECT STREAM ...} statements, each aggregating
 * pump one metric (tumbling, or stagger for {@code WINDOWED BY STAGGER}) named after its destination stream, chains of
 * projecting/filtering pumps folded into it.
 * Parsed by Calcite's parser (double-quoted identifiers, {@code SELECT STREAM}) after {@link KdaText} rewrote the few
 * KDA-only constructs in place. Names follow KDA's rule: unquoted identifiers are upper-cased, quoted ones kept.
 * What the engine cannot run exactly is a located {@link SpecException}. Immutable and thread-safe.
 */
public final class KdaSqlLoader {

    /** A stream that is not created in the file but named like KDA's in-application input, SOURCE_SQL_STREAM_001. */
    private static final Pattern INPUT_STREAM = Pattern.compile(".+_[0-9]{3}");
    private static final String ROWTIME = "ROWTIME";
    private static final String ROWTIME_NOTE = "ROWTIME is the record's Kinesis arrival time here (timestamp: "
            + "arrival), not the time KDA inserted the row into its stream: close, but not the same instant.";
    private static final String ARRIVAL_COLUMN = "APPROXIMATE_ARRIVAL_TIME";
    private static final String WINDOW_HELP = "STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '60' SECOND) or "
            + "FLOOR(\"SOURCE_SQL_STREAM_001\".ROWTIME TO MINUTE)";
    private static final Map<String, Duration> FLOOR_UNITS = Map.of("SECOND", Duration.ofSeconds(1),
            "MINUTE", Duration.ofMinutes(1), "HOUR", Duration.ofHours(1), "DAY", Duration.ofDays(1));

    // Lenient conformance: the rewritten CREATE STREAM is a table with declared columns, SELECT * FROM "S" (c type).
    private static final SqlParser.Config PARSER = SqlParser.config()
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.UNCHANGED)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(true)
            .withConformance(SqlConformanceEnum.LENIENT);

    private final AggregatorRegistry registry;

    /** @param registry the aggregate functions a pump may use */
    public KdaSqlLoader(AggregatorRegistry registry) {
        this.registry = registry;
    }

    /** A loader that knows the built-in functions and those found by {@link java.util.ServiceLoader}. */
    public static KdaSqlLoader standard() {
        return new KdaSqlLoader(AggregatorRegistry.withServiceLoader(KdaSqlLoader.class.getClassLoader()));
    }

    /** Whether SQL text is KDA application code (it creates a pump) rather than rtpipe's SQL dialect. */
    public static boolean isKda(String sql) {
        return KdaText.isKda(sql);
    }

    /** Parses KDA application code into an engine configuration; {@code fileName} is used in error messages. */
    public EngineConfig parse(String fileName, String sql) {
        return translate(fileName, sql, null, null).config();
    }

    /**
     * Parses KDA application code as {@link #parse} does, with the notes a migration reports: each statement and
     * what it became, and where rtpipe's results mean something else than KDA's.
     *
     * @param schemaName the file the input schema JSON was read from (for its errors), or null when the application
     *                   carries its schema in an {@code input_schema} comment or has none
     * @param schemaJson that file's text: DescribeApplication's {@code InputSchema}, or null
     */
    public KdaTranslation translate(String fileName, String sql, String schemaName, String schemaJson) {
        Run run = new Run(fileName);
        EngineConfig config = run.document(sql, schemaName, schemaJson);
        // Statements, then differences, each in file order; notes on the whole application (line 0) last.
        List<KdaTranslation.Note> notes = run.notes.stream().sorted(Comparator
                .comparing(KdaTranslation.Note::kind)
                .thenComparing(note -> note.line() == 0)
                .thenComparingInt(KdaTranslation.Note::line)
                .thenComparingInt(KdaTranslation.Note::column)).toList();
        return new KdaTranslation(config, notes);
    }

    /**
     * A column as a pump sees it: an event field, the record's arrival time (ROWTIME), or a value computed per event
     * ({@code cel}, over event fields) that a metric reads as the derived field named {@code field}.
     */
    private record Column(String field, boolean timestamp, String cel) {
        static final Column ARRIVAL = new Column(null, false, null);

        Column(String field, boolean timestamp) {
            this(field, timestamp, null);
        }

        boolean arrival() {
            return field == null;
        }

        boolean computed() {
            return cel != null;
        }
    }

    /** A created stream: its columns in order, and the pump that inserts into it. */
    private static final class Stream {
        final String name;
        final List<String> columns;
        Pump pump;

        Stream(String name, List<String> columns) {
            this.name = name;
            this.columns = columns;
        }
    }

    private record Pump(SqlInsert insert, SqlSelect select, Stream target) {
        boolean aggregates() {
            return select.getGroup() != null || select.getFrom() != null
                    && select.getFrom().getKind() == SqlKind.COLLECTION_TABLE;
        }
    }

    /** What a FROM reads: its columns by name, the names that qualify them, and the filters of the pumps before. */
    private record Scope(boolean input, Set<String> qualifiers, Map<String, Column> columns,
                         List<SqlNode> filters) {
    }

    private final class Run {
        private final String file;
        private final SqlTerms terms;
        private final Map<String, Stream> streams = new LinkedHashMap<>();
        /** The scope each WHERE's identifiers resolve in, when filters of a chain are combined. */
        private final Map<SqlNode, Scope> filterScopes = new IdentityHashMap<>();
        private final List<KdaTranslation.Note> notes = new ArrayList<>();
        private KdaSchema schema;
        /** The metric being built: its derived fields (name to CEL) and the event fields it reads as such. */
        private final Map<String, String> derived = new LinkedHashMap<>();
        private final Set<String> eventFieldsRead = new HashSet<>();

        Run(String file) {
            this.file = file;
            this.terms = new SqlTerms(registry, file);
        }

        EngineConfig document(String sql, String schemaName, String schemaJson) {
            KdaText text = KdaText.rewrite(file, sql);
            if (text.inputSchema() != null && schemaJson != null) {
                throw terms.error(text.inputSchemaAt(), "the input schema is given twice, in this comment and in "
                        + schemaName + "; keep one.");
            }
            if (text.inputSchema() != null) {
                schema = KdaSchema.parse(file, text.inputSchemaAt(), text.inputSchema());
            } else if (schemaJson != null) {
                schema = KdaSchema.parse(schemaName, new SqlParserPos(1, 1), schemaJson);
            }
            SqlNodeList statements;
            try {
                statements = SqlParser.create(text.sql(), PARSER).parseStmtList();
            } catch (SqlParseException e) {
                throw terms.syntax(e);
            }
            List<Pump> pumps = new ArrayList<>();
            for (SqlNode statement : statements) {
                if (statement instanceof SqlSelect select && text.declaresStream(select.getParserPosition())) {
                    Stream stream = declare(select);
                    note(KdaTranslation.Kind.STATEMENT, select, "CREATE STREAM " + stream.name + " ("
                            + String.join(", ", stream.columns) + "): an in-application stream, filled by its pump.");
                } else if (statement instanceof SqlInsert insert) {
                    pumps.add(pump(insert));
                } else {
                    throw terms.error(statement, "a KDA application is CREATE OR REPLACE STREAM and CREATE OR "
                            + "REPLACE PUMP ... AS INSERT INTO ... SELECT STREAM ... statements, found "
                            + statement.getKind() + ".");
                }
            }
            Set<Stream> read = new HashSet<>();
            for (Pump pump : pumps) {
                String from = sourceName(pump.select);
                if (from != null && streams.containsKey(from)) {
                    read.add(streams.get(from));
                }
            }
            List<MetricSpec> metrics = new ArrayList<>();
            for (Pump pump : pumps) {
                refuseRowWindows(pump.select);
                if (pump.aggregates()) {
                    // A reader of an aggregated stream is refused when its FROM is resolved.
                    if (!read.contains(pump.target)) {
                        MetricSpec metric = metric(pump);
                        if (metrics.stream().anyMatch(m -> m.name().equals(metric.name()))) {
                            throw terms.error(pump.insert.getTargetTable(), "the metric " + metric.name() + " is "
                                    + "named by two destination streams; name them apart by more than case.");
                        }
                        metrics.add(metric);
                        note(KdaTranslation.Kind.STATEMENT, pump.insert, "the pump into " + pump.target.name
                                + " is the metric " + metric.name() + ": " + summary(metric) + ".");
                    }
                } else if (!read.contains(pump.target)) {
                    throw terms.error(pump.select, "this pump writes one row per input row into " + pump.target.name
                            + " (no GROUP BY): the engine writes window results only; aggregate with GROUP BY keys, "
                            + WINDOW_HELP + ".");
                } else {
                    note(KdaTranslation.Kind.STATEMENT, pump.insert, "the pump into " + pump.target.name + " only "
                            + "selects and filters: folded into the metric of each pump that reads "
                            + pump.target.name + " (its WHERE joined with theirs, its columns read through).");
                }
            }
            if (metrics.isEmpty()) {
                throw new SpecException(file, 1, 1, "found no pump that aggregates, expected CREATE OR REPLACE PUMP "
                        + "... AS INSERT INTO \"DESTINATION_SQL_STREAM\" SELECT STREAM ... GROUP BY ..., "
                        + WINDOW_HELP + ".");
            }
            notes.add(new KdaTranslation.Note(KdaTranslation.Kind.DIFFERENCE, 0, 0, "results are exact: KDA "
                    + "delivers at least once, so a restart could write a window's row twice, where rtpipe counts "
                    + "each record of the stream once (per-shard partials merged when read); copies a producer's "
                    + "retries put into the stream are records too, counted once only with a dedup field (add "
                    + "dedup: {field: ID} to the YAML if the events carry an id)."));
            notes.add(new KdaTranslation.Note(KdaTranslation.Kind.DIFFERENCE, 0, 0, "results are window results "
                    + "read with rtpipe query (or exported), not rows of a destination stream: keys are named by "
                    + "their event field, values by the destination stream's columns in lower case, and a window "
                    + "is final once every shard has fired it."));
            return EngineConfig.builder().metrics(metrics).decoder(schema == null ? DecoderSpec.json()
                    : schema.decoder()).build();
        }

        private Stream declare(SqlSelect select) {
            if (select.getFrom().getKind() != SqlKind.EXTEND) {
                throw terms.error(select.getFrom(), "CREATE STREAM declares its columns: CREATE OR REPLACE STREAM "
                        + "\"DESTINATION_SQL_STREAM\" (ticker_symbol VARCHAR(4), ticker_count INTEGER).");
            }
            SqlCall extend = (SqlCall) select.getFrom();
            SqlIdentifier id = extend.operand(0);
            String name = name(id);
            SqlNodeList list = extend.operand(1);
            List<String> columns = new ArrayList<>();
            for (int i = 0; i < list.size(); i += 2) {
                columns.add(name((SqlIdentifier) list.get(i)));
            }
            Stream stream = new Stream(name, columns);
            if (streams.putIfAbsent(name, stream) != null) {
                throw terms.error(id, "the stream " + name + " is created twice.");
            }
            return stream;
        }

        private Pump pump(SqlInsert insert) {
            SqlNode target = insert.getTargetTable();
            Stream stream = target instanceof SqlIdentifier id ? streams.get(name(id)) : null;
            if (stream == null) {
                throw terms.error(target, "INSERT INTO " + target + ": no such stream is created before this pump; "
                        + "create it with CREATE OR REPLACE STREAM first.");
            }
            if (stream.pump != null) {
                throw terms.error(target, "a second pump into " + stream.name + " is refused: each destination "
                        + "stream is fed by one pump here (one metric per stream); create a stream per pump.");
            }
            if (insert.getTargetColumnList() != null) {
                throw terms.error(insert.getTargetColumnList(), "INSERT INTO takes no column list here: the "
                        + "SELECT's columns fill the stream's columns in order.");
            }
            SqlNode source = insert.getSource();
            if (source instanceof SqlOrderBy orderBy) {
                throw terms.error(orderBy, "ORDER BY over a stream is refused: a stream has no end to sort at, and "
                        + "results are written window by window.");
            }
            if (!(source instanceof SqlSelect select)) {
                throw terms.error(source, "found " + source.getKind() + ", expected SELECT STREAM ... (UNION and "
                        + "VALUES are refused: a pump here is one windowed aggregation or one filter).");
            }
            stream.pump = new Pump(insert, select, stream);
            return stream.pump;
        }

        private void refuseRowWindows(SqlSelect select) {
            SqlNode over = select.getWindowList() != null && !select.getWindowList().isEmpty()
                    ? select.getWindowList() : find(select.getSelectList(), SqlKind.OVER);
            if (over != null) {
                throw terms.error(over, "sliding windows (OVER, WINDOW ... RANGE INTERVAL ... PRECEDING) are "
                        + "refused: they give one output row per input row, and the engine writes one result per "
                        + "window and key; use a tumbling window, GROUP BY keys, " + WINDOW_HELP + ".");
            }
            if (select.getHaving() != null) {
                throw terms.error(select.getHaving(), "HAVING is refused: " + SqlTerms.MERGE_REASON + "; filter "
                        + "the merged results when you read them.");
            }
            if (select.isDistinct()) {
                throw terms.error(select, "SELECT DISTINCT is refused: use COUNT(DISTINCT x) per window.");
            }
        }

        private MetricSpec metric(Pump pump) {
            SqlSelect select = pump.select;
            String name = pump.target.name.toLowerCase(Locale.ROOT);
            if (!MetricSpec.isValidName(name)) {
                throw terms.error(pump.insert.getTargetTable(), "the destination stream names the metric, in lower "
                        + "case: 1-63 letters, digits or underscores starting with a letter, found " + name + ".");
            }
            derived.clear();
            eventFieldsRead.clear();
            if (select.getFrom().getKind() == SqlKind.COLLECTION_TABLE) {
                return itemsMetric(name, pump);
            }
            Scope scope = scope(select.getFrom(), new HashSet<>());
            List<FieldPath> keys = new ArrayList<>();
            List<Window> windows = new ArrayList<>();
            List<SqlNode> groupExpressions = new ArrayList<>();
            for (SqlNode item : select.getGroup()) {
                Window window = isStagger(item) ? stagger((SqlCall) item, scope, keys) : window(item, scope);
                if (window != null) {
                    windows.add(window);
                    continue;
                }
                if (!(item instanceof SqlIdentifier id)) {
                    keys.add(FieldPath.parse(groupExpression(item, pump, scope)));
                    groupExpressions.add(item);
                    continue;
                }
                keys.add(FieldPath.parse(field(scope, id)));
            }
            Window window = pick(windows, select.getGroup());
            if (window.timestamp instanceof TimestampSource.ArrivalTime) {
                note(KdaTranslation.Kind.DIFFERENCE, window.at, ROWTIME_NOTE);
            }
            if (window.windows instanceof StaggerWindows) {
                note(KdaTranslation.Kind.DIFFERENCE, window.at, "stagger windows are computed per shard: a key's "
                        + "window opens at its first record on each shard, so route each key to one shard (partition "
                        + "by it) for KDA's one window per key; a record below an open window of its key (out of "
                        + "order) opens a window of its own.");
            } else if (windows.size() > 1) {
                note(KdaTranslation.Kind.DIFFERENCE, window.at, "the window is this event-time step, emitted once "
                        + "per window when the watermark passes its end (lateness 5s), where KDA emits a row per "
                        + "ROWTIME step, so one event-time window may come out in several KDA rows.");
            }
            List<SqlNode> items = select.getSelectList().getList();
            List<String> columns = pump.target.columns;
            if (items.size() != columns.size()) {
                throw terms.error(select.getSelectList(), "the SELECT has " + items.size() + " column(s) and "
                        + pump.target.name + " has " + columns.size() + "; they are filled in order.");
            }
            List<AggregateSpec> aggregates = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                SqlNode item = items.get(i);
                SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
                if (expr instanceof SqlIdentifier id) {
                    Column column = column(scope, id);
                    if (!column.arrival() && !keys.contains(FieldPath.parse(column.field))) {
                        throw terms.error(id, id + " is neither in GROUP BY nor aggregated; a per-row result is "
                                + "not something the engine computes.");
                    }
                    continue;
                }
                if (window(expr, scope) != null) {
                    continue; // the window's time: results carry window_start and window_end
                }
                if (groupExpressions.stream().anyMatch(g -> g.equalsDeep(expr, Litmus.IGNORE))) {
                    continue; // a computed key
                }
                String valueName = columns.get(i).toLowerCase(Locale.ROOT);
                if (!MetricSpec.isValidName(valueName)) {
                    throw terms.error(item, "the column " + columns.get(i) + " of " + pump.target.name + " names "
                            + "this aggregate, in lower case: 1-63 letters, digits or underscores starting with a "
                            + "letter.");
                }
                aggregates.add(aggregate(valueName, expr, scope));
            }
            if (aggregates.isEmpty()) {
                throw terms.error(select.getSelectList(), "a pump selects at least one aggregate, e.g. COUNT(*).");
            }
            List<SqlNode> filters = new ArrayList<>(scope.filters);
            if (select.getWhere() != null) {
                filterScopes.put(select.getWhere(), scope);
                filters.add(select.getWhere());
            }
            EventFilter filter = filter(filters);
            return withDerived(MetricSpec.builder(name), select).groupBy(keys).timestamp(window.timestamp)
                    .windows(window.windows).aggregates(aggregates).filter(filter)
                    .build();
        }

        /**
         * A GROUP BY expression: the derived field named after the destination column its SELECT item fills (the
         * key is named by it in results).
         */
        private String groupExpression(SqlNode item, Pump pump, Scope scope) {
            List<SqlNode> items = pump.select.getSelectList().getList();
            for (int i = 0; i < items.size() && i < pump.target.columns.size(); i++) {
                SqlNode selected = items.get(i).getKind() == SqlKind.AS ? ((SqlCall) items.get(i)).operand(0)
                        : items.get(i);
                if (selected.equalsDeep(item, Litmus.IGNORE)) {
                    return derive(pump.target.columns.get(i), cel(item, scope), item);
                }
            }
            throw terms.error(item, "a GROUP BY expression is a key only if the SELECT selects it too (its "
                    + "destination column names the key), found " + item + ".");
        }

        /**
         * An aggregate; one over an expression ({@code SUM(price * qty)}) aggregates a derived field named after
         * the value with {@code _input} appended.
         */
        private AggregateSpec aggregate(String valueName, SqlNode expr, Scope scope) {
            if (expr instanceof SqlCall call && call.getKind() != SqlKind.WITHIN_GROUP && call.operandCount() > 0
                    && call.operand(0) instanceof SqlCall argument && argument.getKind() != SqlKind.ARGUMENT_ASSIGNMENT
                    && argument.getKind() != SqlKind.OVER) {
                String input = derive(valueName + "_input", cel(argument, scope), argument);
                SqlIdentifier reference = new SqlIdentifier(input, argument.getParserPosition());
                SqlNode[] operands = call.getOperandList().toArray(SqlNode[]::new);
                operands[0] = reference;
                SqlCall rewritten = call.getOperator().createCall(call.getFunctionQuantifier(),
                        call.getParserPosition(), operands);
                return terms.aggregate(valueName, rewritten, id -> id == reference ? input : field(scope, id));
            }
            return terms.aggregate(valueName, expr, id -> field(scope, id));
        }

        /** The CEL text of an expression over {@code scope}'s columns, computed columns inlined. */
        private String cel(SqlNode expr, Scope scope) {
            return CelText.kda(terms::error, id -> inline(scope, id), id -> isEventField(scope, id)).of(expr);
        }

        private String inline(Scope scope, SqlIdentifier id) {
            Column column = column(scope, id);
            if (column.arrival()) {
                throw terms.error(id, "ROWTIME in an expression is refused: it is the window's time here, not a "
                        + "value of the event.");
            }
            if (column.computed()) {
                return "(" + column.cel + ")";
            }
            eventFieldsRead.add(FieldPath.parse(column.field).root());
            return column.field;
        }

        private boolean isEventField(Scope scope, SqlIdentifier id) {
            Column column = column(scope, id);
            return !column.arrival() && !column.computed();
        }

        /** Registers the derived field the column {@code column} (KDA's name) computes; returns its name. */
        private String derive(String column, String cel, SqlNode at) {
            String name = column.toLowerCase(Locale.ROOT);
            if (!MetricSpec.isValidDerivedName(name)) {
                throw terms.error(at, "a computed column names its derived field, in lower case: "
                        + MetricSpec.DERIVED_NAME_RULE + ", found " + name + ".");
            }
            String before = derived.putIfAbsent(name, cel);
            if (before != null && !before.equals(cel)) {
                throw terms.error(at, "two computed columns are named " + column + " in this metric's pumps; name "
                        + "them apart.");
            }
            return name;
        }

        /** The metric's derived fields, checked against the event fields it reads under the same names. */
        private MetricSpec.Builder withDerived(MetricSpec.Builder metric, SqlNode at) {
            for (var entry : derived.entrySet()) {
                if (eventFieldsRead.contains(entry.getKey())) {
                    throw terms.error(at, "the computed column " + entry.getKey() + " has the name of an input "
                            + "field this metric also reads, and a derived field hides the field it is named "
                            + "after; rename the column.");
                }
                EventExpression expression;
                try {
                    expression = EventExpression.compile(entry.getValue());
                } catch (FilterException e) {
                    throw terms.error(at, "the computed column " + entry.getKey() + ", as the CEL expression "
                            + entry.getValue() + ", does not compile (" + e.getMessage() + ").");
                }
                metric.derive(entry.getKey(), expression);
            }
            if (!derived.isEmpty()) {
                note(KdaTranslation.Kind.DIFFERENCE, at, "the computed column(s) " + String.join(", ",
                        derived.keySet()) + " are derived fields, computed per event by CEL: UPPER and LOWER change "
                        + "ASCII letters only, TRIM removes any white space, arithmetic is in doubles, and a record "
                        + "on which an expression fails (CAST('x' AS INTEGER)) is a dead letter of the metric.");
            }
            return metric;
        }

        /**
         * {@code SELECT STREAM * FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM s [WHERE c]),
         * 'column', seconds))} or {@code TOP_K_ITEMS_TUMBLING(..., 'column', k, seconds)}: one tumbling window over
         * ROWTIME, its aggregate (distinct or topk) named after the destination's first column.
         */
        private MetricSpec itemsMetric(String name, Pump pump) {
            SqlNode table = ((SqlCall) pump.select.getFrom()).operand(0);
            String fn = table instanceof SqlCall call ? call.getOperator().getName().toUpperCase(Locale.ROOT) : "";
            if (fn.equals("RANDOM_CUT_FOREST") || fn.equals("RANDOM_CUT_FOREST_WITH_EXPLANATION")
                    || fn.equals("HOTSPOTS")) {
                return pointsMetric(name, pump, (SqlCall) table, fn);
            }
            int arity = fn.equals("TOP_K_ITEMS_TUMBLING") ? 4 : 3;
            List<SqlNode> args = table instanceof SqlCall call ? call.getOperandList() : List.of();
            if (!fn.equals("TOP_K_ITEMS_TUMBLING") && !fn.equals("COUNT_DISTINCT_ITEMS_TUMBLING")
                    || args.size() != arity || args.get(0).getKind() != SqlKind.CURSOR
                    || !(args.get(1) instanceof SqlCharStringLiteral)) {
                throw terms.error(table, "the table functions taken are COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT "
                        + "STREAM * FROM s), 'column', seconds) and TOP_K_ITEMS_TUMBLING(CURSOR(...), 'column', k, "
                        + "seconds).");
            }
            if (!(pump.select.getSelectList().size() == 1 && pump.select.getSelectList().get(0)
                    instanceof SqlIdentifier star && star.isStar())) {
                throw terms.error(pump.select.getSelectList(), fn + "'s rows are selected whole: SELECT STREAM *.");
            }
            SqlNode inner = ((SqlCall) args.get(0)).operand(0);
            if (!(inner instanceof SqlSelect cursor) || cursor.getGroup() != null) {
                throw terms.error(args.get(0), "CURSOR takes SELECT STREAM * FROM a stream [WHERE ...].");
            }
            Scope scope = scope(cursor.getFrom(), new HashSet<>());
            String column = ((SqlCharStringLiteral) args.get(1)).getValueAs(String.class);
            Column item = column(scope, column, column, args.get(1));
            if (item.arrival()) {
                throw terms.error(args.get(1), fn + " counts the values of an event column, not ROWTIME.");
            }
            use(item, args.get(1));
            Duration size = Duration.ofSeconds(seconds(args.get(arity - 1), "the window size in seconds"));
            String valueName = pump.target.columns.get(0).toLowerCase(Locale.ROOT);
            if (!MetricSpec.isValidName(valueName)) {
                throw terms.error(pump.insert.getTargetTable(), "the first column of " + pump.target.name
                        + " names the aggregate, in lower case: 1-63 letters, digits or underscores.");
            }
            String aggregateFn = arity == 4 ? "topk" : "distinct";
            Map<String, Long> params = arity == 4 ? Map.of("k", seconds(args.get(2), "K")) : Map.of();
            Aggregator aggregator;
            try {
                aggregator = registry.factory(aggregateFn).orElseThrow().create(AggregatorParams.of(true, params));
            } catch (IllegalArgumentException e) {
                throw terms.error(args.get(2), "K is out of range (" + e.getMessage() + ").");
            }
            Map<String, String> texts = new LinkedHashMap<>();
            params.forEach((key, value) -> texts.put(key, value.toString()));
            AggregateSpec aggregate = new AggregateSpec(valueName, aggregateFn, FieldPath.parse(item.field),
                    aggregator, texts);
            List<SqlNode> filters = new ArrayList<>(scope.filters);
            if (cursor.getWhere() != null) {
                filterScopes.put(cursor.getWhere(), scope);
                filters.add(cursor.getWhere());
            }
            note(KdaTranslation.Kind.DIFFERENCE, table, ROWTIME_NOTE);
            if (arity == 4) {
                note(KdaTranslation.Kind.DIFFERENCE, table, "TOP_K_ITEMS_TUMBLING gives one result per window "
                        + "holding the top items and their counts as a list, where KDA writes k rows.");
            }
            EventFilter filter = filter(filters);
            return withDerived(MetricSpec.builder(name), table).timestamp(TimestampSource.arrivalTime())
                    .windows(TumblingWindows.of(size)).aggregates(List.of(aggregate)).filter(filter).build();
        }

        private void note(KdaTranslation.Kind kind, SqlNode at, String text) {
            SqlParserPos pos = at.getParserPosition();
            notes.add(new KdaTranslation.Note(kind, Math.max(1, pos.getLineNum()), Math.max(1, pos.getColumnNum()),
                    text));
        }

        /** What a metric computes, in a line: its aggregates, keys, window and time. */
        private String summary(MetricSpec metric) {
            String aggregates = metric.aggregates().stream().map(a -> a.name() + " = " + a.fn()
                    + (a.field() != null ? "(" + a.field() + ")" : a.fields().isEmpty() ? ""
                    : a.fields().stream().map(FieldPath::toString).collect(Collectors.joining(", ", "(", ")"))))
                    .collect(Collectors.joining(", "));
            String keys = metric.groupBy().isEmpty() ? "" : " per " + metric.groupBy().stream()
                    .map(FieldPath::toString).collect(Collectors.joining(", "));
            String time = metric.timestamp() instanceof TimestampSource.EventTimeField field
                    ? "event time " + field.field() : "arrival time";
            String windows = metric.windows() instanceof StaggerWindows stagger
                    ? "stagger " + SpecWriter.duration(stagger.size()) + " windows cut at every "
                    + SpecWriter.duration(stagger.maxLength())
                    : "tumbling " + SpecWriter.duration(((TumblingWindows) metric.windows()).size()) + " windows";
            return aggregates + keys + ", " + windows + " on " + time
                    + (metric.filter() == null ? "" : ", filter " + metric.filter().source());
        }

        /**
         * KDA ran one forest over the whole stream; here each key of a window has its own (about 1.2 MB), so a pump
         * keeps at most this many keys per window (further keys share the {@code __overflow__} forest), which holds
         * its worst-case state within the default memory budget. A YAML spec may set another max_keys_per_window.
         */
        private static final int ANOMALY_MAX_KEYS = 100;
        /** hotspots keeps a window's points: at KDA's largest windowSize (1000) about 72 KB per key and window. */
        private static final int HOTSPOTS_MAX_KEYS = 1000;

        /**
         * {@code SELECT STREAM keys..., ANOMALY_SCORE FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM columns FROM
         * s [WHERE c]), trees, subSampleSize, timeDecay, shingleSize)) GROUP BY keys..., STEP(s.ROWTIME BY ...)}, or
         * {@code ... HOTSPOTS_RESULT FROM TABLE(HOTSPOTS(CURSOR(...), windowSize, scanRadius, minimumPoints)) ...}:
         * the function reads the cursor's columns that are not keys as one point, per tumbling window and key; the
         * aggregate is named after the destination's ANOMALY_SCORE (HOTSPOTS_RESULT) column. KDA's functions run
         * over the whole stream (HOTSPOTS: its last windowSize records) and need no window; here they live in one
         * window's state, so the window is asked for.
         */
        private MetricSpec pointsMetric(String name, Pump pump, SqlCall table, String fn) {
            List<SqlNode> args = table.getOperandList();
            boolean hotspots = fn.equals("HOTSPOTS");
            boolean explain = fn.endsWith("_WITH_EXPLANATION");
            int maxArgs = hotspots ? 4 : explain ? 6 : 5;
            String shape = fn + "(CURSOR(SELECT STREAM \"c1\", \"c2\" FROM \"SOURCE_SQL_STREAM_001\"), "
                    + (hotspots ? "windowSize, scanRadius, minimumNumberOfPointsInAHotspot)"
                    : "numberOfTrees, subSampleSize, timeDecay, shingleSize" + (explain ? ", directionalExplanation"
                    : "") + "), each parameter after the CURSOR optional");
            String resultColumn = hotspots ? "HOTSPOTS_RESULT" : "ANOMALY_SCORE";
            String reads = hotspots ? "HOTSPOTS reads" : "the forest scores";
            if (args.isEmpty() || args.size() > maxArgs || hotspots && args.size() != maxArgs
                    || args.get(0).getKind() != SqlKind.CURSOR
                    || !(((SqlCall) args.get(0)).operand(0) instanceof SqlSelect cursor) || cursor.getGroup() != null) {
                throw terms.error(table, "expected " + shape + ".");
            }
            Scope scope = scope(cursor.getFrom(), new HashSet<>());
            SqlNodeList group = pump.select.getGroup();
            if (group == null) {
                throw terms.error(pump.select, fn + " needs a tumbling window here: " + (hotspots ? "its points live"
                        : "its forest lives") + " in the state of one window and key (KDA's ran over the whole stream), "
                        + "so add GROUP BY " + WINDOW_HELP
                        + " after the TABLE(...), with any key columns of the CURSOR before it.");
            }
            List<FieldPath> keys = new ArrayList<>();
            List<Window> windows = new ArrayList<>();
            for (SqlNode item : group) {
                Window window = window(item, scope);
                if (window != null) {
                    windows.add(window);
                } else if (item instanceof SqlIdentifier id) {
                    keys.add(FieldPath.parse(field(scope, id)));
                } else {
                    throw terms.error(item, "GROUP BY takes columns of the CURSOR and one window, " + WINDOW_HELP
                            + ", found " + item + ".");
                }
            }
            Window window = pick(windows, group);
            List<String> fields = new ArrayList<>();
            for (SqlNode item : cursor.getSelectList()) {
                SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
                if (expr instanceof SqlIdentifier id && id.isStar()) {
                    throw terms.error(id, "* is refused in " + fn + "'s CURSOR: list the numeric columns " + reads
                            + " (and the key columns), e.g. CURSOR(SELECT STREAM \"heartRate\", \"rc\" FROM "
                            + "\"SOURCE_SQL_STREAM_001\").");
                }
                if (!(expr instanceof SqlIdentifier id)) {
                    throw terms.error(expr, "a computed column (" + expr + ") is refused: the engine computes "
                            + "nothing per event; select the column itself.");
                }
                String field = field(scope, id);
                if (!keys.contains(FieldPath.parse(field))) {
                    fields.add(field);
                }
            }
            if (fields.isEmpty()) {
                throw terms.error(cursor.getSelectList(), fn + " needs at least one numeric column in its CURSOR "
                        + "besides the GROUP BY keys.");
            }
            String valueName = null;
            List<SqlNode> items = pump.select.getSelectList().getList();
            if (items.size() != pump.target.columns.size()) {
                throw terms.error(pump.select.getSelectList(), "the SELECT has " + items.size() + " column(s) and "
                        + pump.target.name + " has " + pump.target.columns.size() + "; they are filled in order.");
            }
            for (int i = 0; i < items.size(); i++) {
                SqlNode item = items.get(i);
                SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
                if (window(expr, scope) != null) {
                    continue;
                }
                if (!(expr instanceof SqlIdentifier id) || id.isStar()) {
                    throw terms.error(expr, fn + "'s rows are selected as columns: the keys, the CURSOR's columns "
                            + "and " + resultColumn + (explain ? " (and ANOMALY_EXPLANATION)" : "") + ".");
                }
                String column = id.isSimple() ? component(id, 0) : "";
                if (column.equals(resultColumn)) {
                    valueName = pump.target.columns.get(i).toLowerCase(Locale.ROOT);
                    if (!MetricSpec.isValidName(valueName)) {
                        throw terms.error(item, "the column " + pump.target.columns.get(i) + " of "
                                + pump.target.name + " names the " + fn + " aggregate, in lower case: 1-63 "
                                + "letters, digits or underscores starting with a letter.");
                    }
                } else if (!(explain && column.equals("ANOMALY_EXPLANATION"))) {
                    String field = field(scope, id);
                    if (!keys.contains(FieldPath.parse(field)) && !fields.contains(field)) {
                        throw terms.error(id, id + " is neither a GROUP BY key nor a column " + reads + "; a "
                                + "per-row result is not something the engine computes.");
                    }
                }
            }
            if (valueName == null) {
                throw terms.error(pump.select.getSelectList(), "select " + resultColumn + ": its column of "
                        + pump.target.name + " names the " + fn + " aggregate.");
            }
            Map<String, Object> params = hotspots ? hotspotsParams(args) : forestParams(args, fn);
            if (args.size() == 6 && !(args.get(5) instanceof SqlLiteral flag
                    && flag.getTypeName() == SqlTypeName.BOOLEAN)) {
                throw terms.error(args.get(5), "directionalExplanation is TRUE or FALSE, found " + args.get(5) + ".");
            }
            String aggregateFn = hotspots ? "hotspots"
                    : explain ? "random_cut_forest_with_explanation" : "random_cut_forest";
            Aggregator aggregator;
            try {
                aggregator = registry.factory(aggregateFn).orElseThrow().create(AggregatorParams.of(true, fields,
                        params));
            } catch (IllegalArgumentException e) {
                throw terms.error(table, "a parameter of " + fn + " is out of range (" + e.getMessage() + ").");
            }
            Map<String, String> texts = new LinkedHashMap<>();
            params.forEach((key, value) -> texts.put(key, value.toString()));
            AggregateSpec aggregate = new AggregateSpec(valueName, aggregateFn, null, aggregator, texts,
                    fields.stream().map(FieldPath::parse).toList());
            List<SqlNode> filters = new ArrayList<>(scope.filters);
            if (cursor.getWhere() != null) {
                filterScopes.put(cursor.getWhere(), scope);
                filters.add(cursor.getWhere());
            }
            int maxKeys = hotspots ? HOTSPOTS_MAX_KEYS : ANOMALY_MAX_KEYS;
            note(KdaTranslation.Kind.DIFFERENCE, table, hotspots
                    ? fn + " finds the dense regions of each tumbling window and key (at most " + maxKeys + " keys "
                    + "per window, up to windowSize points each: the earliest), where KDA's looks at the last "
                    + "windowSize records of the stream; the result per window is the list of hotspots (min, max, "
                    + "count, density), not one row per record."
                    : fn + " scores with a forest per tumbling window and key "
                    + "(at most " + maxKeys + " keys per window), where KDA's forest runs over the whole "
                    + "stream; the results per window are the points scored, the highest score, the count at or "
                    + "above the threshold and the top rows, not one row per record.");
            if (window.timestamp() instanceof TimestampSource.ArrivalTime) {
                note(KdaTranslation.Kind.DIFFERENCE, window.at(), ROWTIME_NOTE);
            }
            EventFilter filter = filter(filters);
            return withDerived(MetricSpec.builder(name), table).groupBy(keys).maxKeysPerWindow(maxKeys)
                    .timestamp(window.timestamp)
                    .windows(window.windows).aggregates(List.of(aggregate)).filter(filter)
                    .build();
        }

        /** RANDOM_CUT_FOREST's numberOfTrees, subSampleSize, timeDecay, shingleSize, each optional, in order. */
        private Map<String, Object> forestParams(List<SqlNode> args, String fn) {
            String[] names = {"number_of_trees", "sub_sample_size", "time_decay", "shingle_size"};
            Map<String, Object> params = new LinkedHashMap<>();
            for (int i = 1; i < args.size() && i <= names.length; i++) {
                params.put(names[i - 1], seconds(args.get(i), fn + "'s " + names[i - 1]));
            }
            return params;
        }

        /** HOTSPOTS' windowSize (the points it considers: KDA took 100 to 1000), scanRadius, minimum points. */
        private Map<String, Object> hotspotsParams(List<SqlNode> args) {
            long windowSize = seconds(args.get(1), "HOTSPOTS' windowSize");
            if (windowSize < 100 || windowSize > 1000) {
                throw terms.error(args.get(1), "HOTSPOTS' windowSize is from 100 to 1000 (as in KDA), found "
                        + windowSize + ".");
            }
            if (!(args.get(2) instanceof SqlNumericLiteral radius)
                    || !(radius.getValueAs(Double.class) > 0)) {
                throw terms.error(args.get(2), "HOTSPOTS' scanRadius must be a number above 0, found " + args.get(2)
                        + ".");
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("scan_radius", radius.getValueAs(Double.class));
            params.put("min_points", seconds(args.get(3), "HOTSPOTS' minimumNumberOfPointsInAHotspot"));
            params.put("max_points", windowSize);
            return params;
        }

        private long seconds(SqlNode node, String what) {
            if (!(node instanceof SqlNumericLiteral literal) || !literal.isInteger()
                    || literal.getValueAs(Long.class) < 1) {
                throw terms.error(node, what + " must be a whole number of at least 1, found " + node + ".");
            }
            return literal.getValueAs(Long.class);
        }

        /** The chain's conditions, upstream first, as one filter; each identifier resolves in its own pump. */
        private EventFilter filter(List<SqlNode> filters) {
            if (filters.isEmpty()) {
                return null;
            }
            Map<SqlIdentifier, Scope> owner = new IdentityHashMap<>();
            SqlNode all = null;
            for (SqlNode where : filters) {
                Scope scope = filterScopes.get(where);
                where.accept(new SqlBasicVisitor<Void>() {
                    @Override
                    public Void visit(SqlIdentifier id) {
                        owner.put(id, scope);
                        return null;
                    }
                });
                all = all == null ? where : SqlStdOperatorTable.AND.createCall(SqlParserPos.ZERO, all, where);
            }
            return terms.filter(all, id -> field(owner.get(id), id), id -> isEventField(owner.get(id), id));
        }

        /** The scope of a FROM: the input stream, or a created stream whose pump only projects and filters. */
        private Scope scope(SqlNode from, Set<String> visiting) {
            if (from instanceof SqlJoin join) {
                throw terms.error(join, "joins are refused: the engine aggregates one stream, shard by shard, and "
                        + "a join (also with reference data) needs state across shards it does not keep.");
            }
            String alias = null;
            SqlNode source = from;
            if (from.getKind() == SqlKind.AS) {
                source = ((SqlCall) from).operand(0);
                alias = name(((SqlCall) from).operand(1));
            }
            if (!(source instanceof SqlIdentifier id)) {
                throw terms.error(source, "found " + source.getKind() + " in FROM, expected a stream such as "
                        + "\"SOURCE_SQL_STREAM_001\" (subqueries are refused: write them as an in-application "
                        + "stream with its own pump).");
            }
            String name = name(id);
            Set<String> qualifiers = new HashSet<>();
            qualifiers.add(name);
            if (alias != null) {
                qualifiers.add(alias);
            }
            Stream stream = streams.get(name);
            if (stream == null) {
                if (!INPUT_STREAM.matcher(name).matches()) {
                    throw terms.error(id, name + " is neither created in this file (CREATE OR REPLACE STREAM) nor "
                            + "the input stream, named like \"SOURCE_SQL_STREAM_001\".");
                }
                return new Scope(true, qualifiers, Map.of(), List.of());
            }
            if (stream.pump == null) {
                throw terms.error(id, "no pump inserts into " + name + ".");
            }
            if (!visiting.add(name)) {
                throw terms.error(id, "the pumps read " + name + " in a cycle.");
            }
            Pump pump = stream.pump;
            if (pump.aggregates()) {
                throw terms.error(id, name + " holds aggregated rows (its pump groups by a window): a second "
                        + "aggregation level over aggregated results is refused, since results are per-shard "
                        + "partials merged when read; aggregate the input stream directly, or read the results "
                        + "and aggregate them there.");
            }
            Scope upstream = scope(pump.select.getFrom(), visiting);
            Map<String, Column> columns = new LinkedHashMap<>();
            List<SqlNode> items = pump.select.getSelectList().getList();
            boolean star = items.size() == 1 && items.get(0) instanceof SqlIdentifier s && s.isStar();
            if (!star && items.size() != stream.columns.size()) {
                throw terms.error(pump.select.getSelectList(), "the SELECT has " + items.size() + " column(s) and "
                        + name + " has " + stream.columns.size() + "; they are filled in order.");
            }
            for (int i = 0; i < stream.columns.size(); i++) {
                String column = stream.columns.get(i);
                if (star) {
                    columns.put(column, column(upstream, new SqlIdentifier(column, items.get(0)
                            .getParserPosition())));
                    continue;
                }
                SqlNode item = items.get(i);
                SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
                if (!(expr instanceof SqlIdentifier selected)) {
                    // Computed per event: read as the derived field named after this column.
                    columns.put(column, new Column(column.toLowerCase(Locale.ROOT), false, cel(expr, upstream)));
                    continue;
                }
                columns.put(column, column(upstream, selected));
            }
            List<SqlNode> filters = new ArrayList<>(upstream.filters);
            if (pump.select.getWhere() != null) {
                filterScopes.put(pump.select.getWhere(), upstream);
                filters.add(pump.select.getWhere());
            }
            return new Scope(false, qualifiers, columns, filters);
        }

        /** The column an identifier names in {@code scope}: {@code c} or {@code "STREAM".c} (or its alias). */
        private Column column(Scope scope, SqlIdentifier id) {
            if (id.isStar()) {
                throw terms.error(id, "* is refused here: a pump selects its keys and named aggregates.");
            }
            int first = id.names.size() == 2 && scope.qualifiers.contains(component(id, 0)) ? 1 : 0;
            if (id.names.size() - first != 1) {
                throw terms.error(id, "found " + id + ", expected a column or \"STREAM\".column.");
            }
            return column(scope, component(id, first), id.names.get(first), id);
        }

        /** The column {@code name} (by KDA's rule; {@code written} as in the file) of {@code scope}. */
        private Column column(Scope scope, String name, String written, SqlNode id) {
            if (name.equals(ROWTIME)) {
                return Column.ARRIVAL;
            }
            if (scope.input) {
                if (name.equals(ARRIVAL_COLUMN)) {
                    return Column.ARRIVAL;
                }
                if (schema != null) {
                    KdaSchema.Column column = schema.column(name);
                    if (column == null) {
                        throw terms.error(id, "the input schema has no column " + name + " (it has "
                                + schema.names() + "; unquoted names are upper-cased, as in KDA).");
                    }
                    return new Column(column.field(), column.timestamp());
                }
                // Without a schema a column is the event field of that name, as written.
                if (!FieldPath.isValid(written)) {
                    throw terms.error(id, "found " + written + ", expected a field name.");
                }
                return new Column(written, false);
            }
            Column column = scope.columns.get(name);
            if (column == null) {
                throw terms.error(id, "no column " + name + " in this stream (it has "
                        + String.join(", ", scope.columns.keySet()) + ").");
            }
            return column;
        }

        private String field(Scope scope, SqlIdentifier id) {
            Column column = column(scope, id);
            if (column.arrival()) {
                throw terms.error(id, "ROWTIME is the window's time here, not a value: results carry window_start "
                        + "and window_end.");
            }
            return use(column, id);
        }

        /** The field a metric reads for a column: a computed column's derived field is registered for it. */
        private String use(Column column, SqlNode at) {
            if (column.computed()) {
                return derive(column.field, column.cel, at);
            }
            eventFieldsRead.add(FieldPath.parse(column.field).root());
            return column.field;
        }

        /** A window expression, STEP(t BY interval) or FLOOR(t TO unit), or null for anything else. */
        private Window window(SqlNode node, Scope scope) {
            if (!(node instanceof SqlCall call)) {
                return null;
            }
            String fn = call.getOperator().getName().toUpperCase(Locale.ROOT);
            if (fn.equals("STEP") && call.operandCount() == 2 && call.operand(0) instanceof SqlIdentifier time) {
                return new Window(timestamp(scope, time),
                        TumblingWindows.of(terms.interval(call.operand(1), "STEP's interval")), node);
            }
            if (call.getKind() == SqlKind.FLOOR && call.operandCount() == 2
                    && call.operand(0) instanceof SqlIdentifier time) {
                String unit = call.operand(1).toString().toUpperCase(Locale.ROOT);
                Duration size = FLOOR_UNITS.get(unit);
                if (size == null) {
                    throw terms.error(call.operand(1), "FLOOR(... TO " + unit + ") is refused: a window is a "
                            + "second, minute, hour or day here; use STEP(t BY INTERVAL ...) for other sizes.");
                }
                return new Window(timestamp(scope, time), TumblingWindows.of(size), node);
            }
            return null;
        }

        private static boolean isStagger(SqlNode node) {
            return node instanceof SqlCall call && call.getOperator().getName().equalsIgnoreCase("STAGGER");
        }

        /**
         * {@code WINDOWED BY STAGGER (PARTITION BY columns [, FLOOR(t TO unit)] RANGE INTERVAL ...)}, which {@link
         * KdaText} made {@code STAGGER(columns..., interval)}: the columns are keys (added to {@code keys}); a FLOOR
         * partition cuts the windows at every unit of its time and makes that time the window's; else ROWTIME is.
         */
        private Window stagger(SqlCall call, Scope scope, List<FieldPath> keys) {
            List<SqlNode> args = call.getOperandList();
            Duration size = terms.interval(args.get(args.size() - 1), "the stagger window's RANGE");
            Window floor = null;
            for (SqlNode partition : args.subList(0, args.size() - 1)) {
                Window cut = window(partition, scope);
                if (partition instanceof SqlIdentifier id) {
                    keys.add(FieldPath.parse(field(scope, id)));
                } else if (cut != null && floor == null && partition.getKind() == SqlKind.FLOOR) {
                    floor = cut;
                } else {
                    throw terms.error(partition, "PARTITION BY takes columns and at most one FLOOR(t TO unit), "
                            + "found " + partition + ".");
                }
            }
            StaggerWindows windows = StaggerWindows.of(size);
            if (floor == null) {
                return new Window(TimestampSource.arrivalTime(), windows, call);
            }
            Duration unit = ((TumblingWindows) floor.windows).size();
            if (!(floor.timestamp instanceof TimestampSource.ArrivalTime)) {
                note(KdaTranslation.Kind.DIFFERENCE, floor.at, "KDA's stagger window runs on ROWTIME, partitioned by "
                        + "this event-time " + SpecWriter.duration(unit) + "; here it runs on that event time, cut "
                        + "at every " + SpecWriter.duration(unit) + ": a window holds its key's records of one "
                        + SpecWriter.duration(unit) + " from the first one on, for the RANGE, and records past the "
                        + "watermark (lateness 5s) go to the late-record output instead of a window of their own.");
            }
            return new Window(floor.timestamp, windows.withMaxLength(unit), floor.at);
        }

        private TimestampSource timestamp(Scope scope, SqlIdentifier time) {
            Column column = column(scope, time);
            if (column.arrival()) {
                return TimestampSource.arrivalTime();
            }
            return new TimestampSource.EventTimeField(FieldPath.parse(use(column, time)), column.timestamp
                    ? TimestampSource.TimeFormat.ISO_8601 : TimestampSource.TimeFormat.EPOCH_MILLIS,
                    TimestampSource.DEFAULT_MAX_AHEAD);
        }

        /**
         * The metric's window: the only one, or the event-time one where KDA's code also steps ROWTIME by the same
         * interval (KDA needs ROWTIME in a streaming GROUP BY to emit; the engine's watermark does that here).
         */
        private Window pick(List<Window> windows, SqlNodeList group) {
            if (windows.isEmpty()) {
                throw terms.error(group, "a streaming GROUP BY needs a window, " + WINDOW_HELP + " (an aggregation "
                        + "over a stream without one never ends).");
            }
            List<Window> eventTime = windows.stream().filter(w -> !(w.timestamp instanceof
                    TimestampSource.ArrivalTime)).toList();
            Window chosen = eventTime.isEmpty() ? windows.get(0) : eventTime.get(0);
            for (Window other : windows) {
                boolean sameTime = other.timestamp.equals(chosen.timestamp);
                boolean arrivalBeside = other.timestamp instanceof TimestampSource.ArrivalTime;
                if (!other.windows.equals(chosen.windows) || !sameTime && !arrivalBeside) {
                    throw terms.error(other.at, "a second, different window in GROUP BY is refused: one metric has "
                            + "one window (a ROWTIME step beside an event-time step of the same size is taken as "
                            + "the event-time window).");
                }
            }
            return chosen;
        }

        /** The stream a pump reads: its FROM, or the FROM of a table function's CURSOR. */
        private String sourceName(SqlSelect select) {
            SqlNode from = select.getFrom();
            if (from != null && from.getKind() == SqlKind.AS) {
                from = ((SqlCall) from).operand(0);
            }
            if (from != null && from.getKind() == SqlKind.COLLECTION_TABLE
                    && ((SqlCall) from).operand(0) instanceof SqlCall fn && fn.operandCount() > 0
                    && fn.operand(0).getKind() == SqlKind.CURSOR
                    && ((SqlCall) fn.operand(0)).operand(0) instanceof SqlSelect cursor) {
                return sourceName(cursor);
            }
            return from instanceof SqlIdentifier id ? name(id) : null;
        }

        /** A one-part name by KDA's rule: quoted as written, unquoted upper-cased. */
        private String name(SqlIdentifier id) {
            if (!id.isSimple()) {
                throw terms.error(id, "found " + id + ", expected a stream or column name.");
            }
            return component(id, 0);
        }

        private String component(SqlIdentifier id, int i) {
            String written = id.names.get(i);
            return id.getComponentParserPosition(i).isQuoted() ? written : written.toUpperCase(Locale.ROOT);
        }

        private SqlNode find(SqlNodeList list, SqlKind kind) {
            for (SqlNode node : list) {
                SqlNode expr = node.getKind() == SqlKind.AS ? ((SqlCall) node).operand(0) : node;
                if (expr.getKind() == kind) {
                    return expr;
                }
            }
            return null;
        }
    }

    private record Window(TimestampSource timestamp, WindowSpec windows, SqlNode at) {
    }
}
