package io.rtpipe.connectors.publish;

import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.contract.ArchiveColumns;
import io.rtpipe.contract.ArchivePrefixes;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.publish.FinalResultsSink;
import io.rtpipe.core.publish.ResultColumns;
import io.rtpipe.core.result.MergedResult;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Final results as Parquet on S3: one object per (metric, UTC hour of window start), under
 * {@code <prefix>/metric=NAME/dt=YYYY-MM-DD/hr=HH/part-00000.parquet}, written once every window starting in that
 * hour is final. Columns are {@link ResultColumns}' (the Glue table's); rows in window-start, then key order.
 *
 * <p>A replay rewrites the same bytes: the key is the hour's, the rows are the final merged results (which never
 * change), the writer puts no time into the file (its footer's {@code created_by} is the library version), and GZIP
 * pages come from the JDK with a fixed header ({@link GzipCodecs}). An hour with no results has no object. An hour
 * of more than {@link #ROWS_PER_PART} rows is cut into parts of that many rows, {@code part-00001} and on.
 */
public final class ParquetResultsSink implements FinalResultsSink {

    /** The sink's name, which its cursors are stored under. */
    public static final String NAME = "parquet";

    /** Rows per object; an hour of a minute-window metric reaches it only with over 16,000 keys per window. */
    public static final int ROWS_PER_PART = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(ParquetResultsSink.class);
    private static final DateTimeFormatter PARTITION = DateTimeFormatter
            .ofPattern("'" + ArchiveColumns.DT + "='" + ArchiveColumns.DT_FORMAT + "'/" + ArchiveColumns.HR + "='HH")
            .withZone(ZoneOffset.UTC);

    private final S3Writes writes;
    private final String prefix;
    private final int rowsPerPart;

    /** @param prefix the key prefix, {@link ArchivePrefixes#RESULTS_PARQUET} by default */
    public ParquetResultsSink(S3Writes writes, String prefix) {
        this(writes, prefix, ROWS_PER_PART);
    }

    ParquetResultsSink(S3Writes writes, String prefix, int rowsPerPart) {
        this.writes = Objects.requireNonNull(writes, "writes");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.rowsPerPart = rowsPerPart;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The last whole hour: an object is written once, with all of its hour's windows. */
    @Override
    public Instant rangeEnd(Instant from, Instant completeThrough) {
        Instant hour = completeThrough.truncatedTo(ChronoUnit.HOURS);
        return hour.isAfter(from) ? hour : from;
    }

    @Override
    public void publish(MetricSpec metric, Instant from, Instant to, List<MergedResult> rows) {
        List<ResultColumns.Column> columns = ResultColumns.of(metric);
        MessageType schema = schema(metric, columns);
        Map<Instant, List<MergedResult>> hours = new TreeMap<>();
        for (MergedResult row : rows) {
            if (row.windowStart().isBefore(from) || !row.windowStart().isBefore(to)) {
                throw new IllegalArgumentException("metric " + metric.name() + ": a row of the window starting "
                        + row.windowStart() + " is outside the range [" + from + ", " + to + ") published");
            }
            hours.computeIfAbsent(row.windowStart().truncatedTo(ChronoUnit.HOURS), h -> new ArrayList<>()).add(row);
        }
        hours.forEach((hour, hourRows) -> {
            for (int part = 0; part * rowsPerPart < hourRows.size(); part++) {
                List<MergedResult> partRows = hourRows.subList(part * rowsPerPart,
                        Math.min(hourRows.size(), (part + 1) * rowsPerPart));
                String key = objectKey(prefix, metric.name(), hour, part);
                writes.put(key, parquet(schema, columns, partRows), "application/vnd.apache.parquet");
                LOG.info("Wrote {} rows of {} to s3://{}/{}", partRows.size(), metric.name(), writes.bucket(), key);
            }
        });
    }

    /** {@code <prefix>/metric=NAME/dt=YYYY-MM-DD/hr=HH/part-NNNNN.parquet} of the hour starting at {@code hour}. */
    public static String objectKey(String prefix, String metric, Instant hour, int part) {
        return prefix + "/" + ArchivePrefixes.METRIC_PARTITION + "=" + metric + "/" + PARTITION.format(hour)
                + "/part-" + String.format("%05d", part) + ".parquet";
    }

    /** The Parquet schema of {@code columns}: timestamps as INT64 millis (UTC), strings as UTF-8 binaries. */
    static MessageType schema(MetricSpec metric, List<ResultColumns.Column> columns) {
        List<Type> fields = new ArrayList<>();
        for (ResultColumns.Column column : columns) {
            var repetition = column.required() ? Type.Repetition.REQUIRED : Type.Repetition.OPTIONAL;
            fields.add(switch (column.kind()) {
                case TIMESTAMP_MILLIS -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
                        .named(column.name());
                case STRING, JSON -> Types.primitive(PrimitiveTypeName.BINARY, repetition)
                        .as(LogicalTypeAnnotation.stringType()).named(column.name());
                case BIGINT -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(column.name());
                case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(column.name());
            });
        }
        return new MessageType(metric.name(), fields);
    }

    private static byte[] parquet(MessageType schema, List<ResultColumns.Column> columns, List<MergedResult> rows) {
        BytesOutputFile file = new BytesOutputFile();
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(file)
                .withType(schema)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(GzipCodecs.INSTANCE)
                .withCompressionCodec(CompressionCodecName.GZIP)
                .build()) {
            for (MergedResult row : rows) {
                Group group = groups.newGroup();
                for (ResultColumns.Column column : columns) {
                    Object cell = ResultColumns.cell(row, column);
                    if (cell instanceof Long l) {
                        group.append(column.name(), l);
                    } else if (cell instanceof Double d) {
                        group.append(column.name(), d);
                    } else if (cell instanceof String s) {
                        group.append(column.name(), s);
                    }
                }
                writer.write(group);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Parquet in memory", e);
        }
        return file.toByteArray();
    }
}
