package io.rtpipe.core.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.NumberText;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The typed columns of a metric's final results as a table: {@code window_start}, {@code window_end}, one string
 * column per group-by field, one column per aggregate. The Parquet sink writes them and the CDK app declares the
 * Glue table from them, so the names and types Athena sees are the ones written.
 *
 * <p>Column names are the field and aggregate names in lower case with every character other than a letter, digit
 * or underscore replaced by {@code _} (Glue's rule), e.g. {@code user.id} becomes {@code user_id}.
 */
public final class ResultColumns {

    /** How a column is stored, and the Glue (Hive) type it is declared with. */
    public enum Kind {
        /** Milliseconds since the epoch, UTC; Glue {@code timestamp}. */
        TIMESTAMP_MILLIS("timestamp"),
        /** Glue {@code string}. */
        STRING("string"),
        /** A 64-bit integer; Glue {@code bigint}. */
        BIGINT("bigint"),
        /** A 64-bit float; Glue {@code double}. */
        DOUBLE("double"),
        /** A JSON text (top-K rows, forest summaries); Glue {@code string}, read with Athena's json functions. */
        JSON("string");

        private final String glueType;

        Kind(String glueType) {
            this.glueType = glueType;
        }

        public String glueType() {
            return glueType;
        }
    }

    /** What a column holds. */
    public enum Source { WINDOW_START, WINDOW_END, KEY, VALUE }

    /**
     * One column.
     *
     * @param name    the column name
     * @param kind    its type
     * @param source  where its cells come from
     * @param field   the group-by field or aggregate name it is read from (the window columns: their own name)
     * @param comment what it holds (the Glue column's comment)
     */
    public record Column(String name, Kind kind, Source source, String field, String comment) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(comment, "comment");
        }

        /** The window columns are always set; keys and values may be null (an aggregate with no value). */
        public boolean required() {
            return source == Source.WINDOW_START || source == Source.WINDOW_END;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultColumns() {
    }

    /**
     * The columns of {@code metric}'s results, in order: the window, the group-by fields, the aggregates.
     *
     * @throws IllegalArgumentException one sentence naming the two names that become the same column
     */
    public static List<Column> of(MetricSpec metric) {
        List<Column> columns = new ArrayList<>();
        columns.add(new Column("window_start", Kind.TIMESTAMP_MILLIS, Source.WINDOW_START, "window_start",
                "start of the window (inclusive), UTC"));
        columns.add(new Column("window_end", Kind.TIMESTAMP_MILLIS, Source.WINDOW_END, "window_end",
                "end of the window (exclusive), UTC"));
        for (FieldPath path : metric.groupBy()) {
            String field = path.toString();
            columns.add(new Column(columnName(field), Kind.STRING, Source.KEY, field, "group-by field " + field));
        }
        for (AggregateSpec aggregate : metric.aggregates()) {
            columns.add(new Column(columnName(aggregate.name()), kind(aggregate.fn()), Source.VALUE, aggregate.name(),
                    "aggregate " + aggregate.fn() + (aggregate.params().isEmpty() ? "" : " " + aggregate.params())));
        }
        Map<String, Column> byName = new HashMap<>();
        for (Column column : columns) {
            Column other = byName.putIfAbsent(column.name(), column);
            if (other != null) {
                throw new IllegalArgumentException("metric " + metric.name() + ": " + describe(other) + " and "
                        + describe(column) + " both become result column '" + column.name() + "'; rename one");
            }
        }
        return List.copyOf(columns);
    }

    /**
     * The cell of {@code column} in {@code row}: epoch millis (Long) for the window columns, a String for keys and
     * text values, a Long or Double for numbers, or null when the row has no value.
     */
    public static Object cell(MergedResult row, Column column) {
        return switch (column.source()) {
            case WINDOW_START -> row.windowStart().toEpochMilli();
            case WINDOW_END -> row.windowEnd().toEpochMilli();
            case KEY -> row.key().get(column.field());
            case VALUE -> value(row.values().get(column.field()), column);
        };
    }

    private static Object value(Object value, Column column) {
        if (value == null) {
            return null;
        }
        return switch (column.kind()) {
            case BIGINT -> ((Number) value).longValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case STRING -> value instanceof Double d ? NumberText.plain(d) : value.toString();
            case JSON -> json(value, column);
            case TIMESTAMP_MILLIS -> throw new IllegalStateException("no aggregate is a timestamp: " + column);
        };
    }

    /**
     * Counts are integers; sums, extrema, averages and quantiles doubles (a sum of integers is a Long while it fits,
     * a Double otherwise: one column type for both, exact for integers up to 2^53); first/last keep what the event
     * held (a number or a string) as text; top-K rows and forest summaries are nested, so JSON.
     */
    private static Kind kind(String fn) {
        return switch (fn) {
            case "count", "distinct" -> Kind.BIGINT;
            case "sum", "min", "max", "avg", "quantile" -> Kind.DOUBLE;
            case "first", "last" -> Kind.STRING;
            default -> Kind.JSON;
        };
    }

    private static String json(Object value, Column column) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("result column " + column.name() + ": value cannot be written as JSON: "
                    + value, e);
        }
    }

    static String columnName(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    private static String describe(Column column) {
        return switch (column.source()) {
            case WINDOW_START, WINDOW_END -> "the window column";
            case KEY -> "group-by field '" + column.field() + "'";
            case VALUE -> "aggregate '" + column.field() + "'";
        };
    }
}
