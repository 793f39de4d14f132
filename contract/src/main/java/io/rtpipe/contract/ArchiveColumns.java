package io.rtpipe.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The columns of the archive's interval objects, one list per prefix ({@link ArchivePrefixes#RAW},
 * {@link ArchivePrefixes#DEADLETTER}, {@link ArchivePrefixes#LATE}): every line of an object is one JSON object
 * with these keys. Connectors' codec writes and reads them and the CDK app declares the Glue tables from them, so
 * the names and types Athena sees are the ones the code writes.
 *
 * <p>A line holds the record either as {@link #EVENT} (the payload itself, when it is one JSON object on one line)
 * or as {@link #DATA} (the payload in base64), never both; {@link #ENCODING} says which. {@link #DT} and
 * {@link #HR} are not in the lines: they are the object key's Hive-style partitions.
 */
public final class ArchiveColumns {

    /** How a column's values look in a line, and the Glue (Hive) type it is declared with. */
    public enum Type {
        /** A JSON string; Glue {@code string}. */
        STRING("string"),
        /** A JSON integer; Glue {@code bigint}. */
        BIGINT("bigint"),
        /**
         * A JSON object: the record as its producer wrote it. Glue {@code string}, which the OpenX JSON SerDe fills
         * with the object's JSON text, because the archive does not know the events' fields.
         */
        JSON_OBJECT("string");

        private final String glueType;

        Type(String glueType) {
            this.glueType = glueType;
        }

        public String glueType() {
            return glueType;
        }
    }

    /** One column: its key in a line, its type, and what it holds (the Glue column's comment). */
    public record Column(String name, Type type, String comment) {

        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(comment, "comment");
        }
    }

    /** {@link #ENCODING}'s value when the line holds {@link #EVENT}. */
    public static final String ENCODING_JSON = "json";
    /** {@link #ENCODING}'s value when the line holds {@link #DATA}. */
    public static final String ENCODING_BASE64 = "base64";

    public static final Column SHARD = new Column("shard", Type.STRING, "Kinesis shard id");
    public static final Column SEQUENCE = new Column("sequence", Type.STRING, "Kinesis sequence number");
    public static final Column SUB_SEQUENCE = new Column("sub_sequence", Type.BIGINT,
            "position within a KPL-aggregated record, 0 for a plain record");
    public static final Column PARTITION_KEY = new Column("partition_key", Type.STRING, "Kinesis partition key");
    public static final Column ARRIVAL = new Column("arrival", Type.STRING,
            "Kinesis approximate arrival, ISO-8601 UTC (from_iso8601_timestamp in Athena)");
    public static final Column ENCODING = new Column("encoding", Type.STRING,
            "'json': the record is in event; 'base64': in data");
    public static final Column EVENT = new Column("event", Type.JSON_OBJECT,
            "the record, a JSON object (json_extract_scalar(event, '$.field') in Athena)");
    public static final Column DATA = new Column("data", Type.STRING,
            "the record's bytes in base64, when they are not one JSON object on one line");
    public static final Column REASON = new Column("reason", Type.STRING, "why the record was dead-lettered");
    public static final Column METRIC = new Column("metric", Type.STRING, "the metric the record was late for");
    public static final Column WINDOW_START = new Column("window_start", Type.STRING,
            "start of the first already fired window the record belonged to, ISO-8601 UTC");
    public static final Column LAST_WINDOW_START = new Column("last_window_start", Type.STRING,
            "start of the last already fired window the record belonged to (a record late for several hopping"
                    + " windows is kept once), ISO-8601 UTC");

    /** The record columns every line has (one of {@link #EVENT} and {@link #DATA}). */
    public static final List<Column> RECORD = List.of(SHARD, SEQUENCE, SUB_SEQUENCE, PARTITION_KEY, ARRIVAL,
            ENCODING, EVENT, DATA);
    public static final List<Column> RAW = RECORD;
    public static final List<Column> DEADLETTER = with(RECORD, REASON);
    public static final List<Column> LATE = with(RECORD, METRIC, WINDOW_START, LAST_WINDOW_START);

    /** The object key's Hive-style partitions: UTC date and hour of the interval's first record's arrival. */
    public static final String DT = "dt";
    public static final String HR = "hr";
    /** {@link #DT}'s format in keys, as Java and Athena's partition projection write it. */
    public static final String DT_FORMAT = "yyyy-MM-dd";

    private ArchiveColumns() {
    }

    /** The columns of the objects under {@code prefix}, one of {@link ArchivePrefixes#RAW}, DEADLETTER, LATE. */
    public static List<Column> of(String prefix) {
        return switch (prefix) {
            case ArchivePrefixes.RAW -> RAW;
            case ArchivePrefixes.DEADLETTER -> DEADLETTER;
            case ArchivePrefixes.LATE -> LATE;
            default -> throw new IllegalArgumentException("no line columns are declared for prefix " + prefix);
        };
    }

    private static List<Column> with(List<Column> base, Column... more) {
        List<Column> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }
}
