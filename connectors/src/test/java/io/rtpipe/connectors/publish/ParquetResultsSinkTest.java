package io.rtpipe.connectors.publish;

import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.aggregate.TopKRow;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParquetResultsSinkTest {

    private static final MetricSpec METRIC = MetricSpec.builder("orders")
            .groupBy("type", "user.region")
            .aggregates(AggregateSpec.count(),
                    AggregateSpec.of("revenue", "sum", "amount", Map.of()),
                    AggregateSpec.of("mean", "avg", "amount", Map.of()),
                    AggregateSpec.of("p99", "quantile", "amount", Map.of("q", 0.99)),
                    AggregateSpec.of("users", "distinct", "user.id", Map.of()),
                    AggregateSpec.of("top", "topk", "item", Map.of("k", 2)),
                    AggregateSpec.of("latest", "last", "status", Map.of()))
            .build();

    @TempDir
    Path dir;

    private final FakeS3 s3 = new FakeS3();

    @Test
    void anHourIsOneObjectOfTypedColumnsReadBackByParquet() throws IOException {
        List<MergedResult> rows = List.of(
                row("2026-11-26T09:10:00Z", "click", "eu", 3, 12L, 4.0, 7.5, 2, List.of(new TopKRow("a", 2)), "ok"),
                row("2026-11-26T09:10:00Z", "view", "us", 1, 2.5, 2.5, 2.5, 1, List.of(), null),
                row("2026-11-26T10:00:00Z", "click", "eu", 5, 20L, 4.0, 9.0, 3,
                        List.of(new TopKRow("b", 3), new TopKRow("a", 1)), "late"));
        ParquetResultsSink sink = new ParquetResultsSink(new S3Writes(s3, "bucket", RetryPolicy.noRetries()),
                "results-parquet");

        sink.publish(METRIC, Instant.parse("2026-11-26T09:10:00Z"), Instant.parse("2026-11-26T11:00:00Z"), rows);

        String nine = "results-parquet/metric=orders/dt=2026-11-26/hr=09/part-00000.parquet";
        String ten = "results-parquet/metric=orders/dt=2026-11-26/hr=10/part-00000.parquet";
        assertThat(s3.objects).containsOnlyKeys(nine, ten);
        assertThat(read(s3.objects.get(nine))).containsExactly(
                "window_start=1795684200000 window_end=1795684260000 type=click user_region=eu count=3 revenue=12.0"
                        + " mean=4.0 p99=7.5 users=2 top=[{\"value\":\"a\",\"count\":2}] latest=ok",
                "window_start=1795684200000 window_end=1795684260000 type=view user_region=us count=1 revenue=2.5"
                        + " mean=2.5 p99=2.5 users=1 top=[]");
        assertThat(read(s3.objects.get(ten))).containsExactly(
                "window_start=1795687200000 window_end=1795687260000 type=click user_region=eu count=5 revenue=20.0"
                        + " mean=4.0 p99=9.0 users=3 top=[{\"value\":\"b\",\"count\":3},{\"value\":\"a\",\"count\":1}]"
                        + " latest=late");
        assertThat(schema(s3.objects.get(nine)).toString()).contains(
                "required int64 window_start (TIMESTAMP(MILLIS,true))", "optional binary type (STRING)",
                "optional int64 count", "optional double revenue", "optional binary top (STRING)");

        byte[] first = s3.objects.get(nine);
        sink.publish(METRIC, Instant.parse("2026-11-26T09:10:00Z"), Instant.parse("2026-11-26T11:00:00Z"), rows);
        assertThat(s3.objects.get(nine)).isEqualTo(first);
        assertThat(s3.puts).isEqualTo(4);
        FileMetaData footer = footer(first);
        assertThat(footer.getCreatedBy()).startsWith("parquet-mr version 1.18.2");
        assertThat(footer.getKeyValueMetaData()).isEqualTo(Map.of("writer.model.name", "example"));
    }

    @Test
    void aLargeHourIsCutIntoPartsOfFixedRows() throws IOException {
        List<MergedResult> rows = new ArrayList<>();
        for (int minute = 0; minute < 5; minute++) {
            rows.add(row("2026-11-26T09:0" + minute + ":00Z", "click", "eu", minute + 1, 1L, 1.0, 1.0, 1, List.of(),
                    null));
        }
        new ParquetResultsSink(new S3Writes(s3, "bucket", RetryPolicy.noRetries()), "p", 2)
                .publish(METRIC, Instant.parse("2026-11-26T09:00:00Z"), Instant.parse("2026-11-26T10:00:00Z"), rows);

        assertThat(s3.objects.keySet()).containsExactly("p/metric=orders/dt=2026-11-26/hr=09/part-00000.parquet",
                "p/metric=orders/dt=2026-11-26/hr=09/part-00001.parquet",
                "p/metric=orders/dt=2026-11-26/hr=09/part-00002.parquet");
        List<String> counts = new ArrayList<>();
        for (byte[] object : s3.objects.values()) {
            read(object).forEach(line -> counts.add(line.replaceAll(".* count=(\\d+) .*", "$1")));
        }
        assertThat(counts).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void theRangeEndsAtTheLastWholeHourAndRowsOutsideItAreRefused() {
        ParquetResultsSink sink = new ParquetResultsSink(new S3Writes(s3, "bucket", RetryPolicy.noRetries()), "p");
        Instant from = Instant.parse("2026-11-26T09:10:00Z");
        assertThat(sink.rangeEnd(from, Instant.parse("2026-11-26T11:59:59Z")))
                .isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
        assertThat(sink.rangeEnd(from, Instant.parse("2026-11-26T09:59:00Z"))).isEqualTo(from);
        List<MergedResult> outside = List.of(row("2026-11-26T10:00:00Z", "click", "eu", 1, 1L, 1.0, 1.0, 1,
                List.of(), null));
        assertThatThrownBy(() -> sink.publish(METRIC, from, Instant.parse("2026-11-26T10:00:00Z"), outside))
                .hasMessage("metric orders: a row of the window starting 2026-11-26T10:00:00Z is outside the range "
                        + "[2026-11-26T09:10:00Z, 2026-11-26T10:00:00Z) published");
    }

    private static MergedResult row(String start, String type, String region, long count, Object revenue,
                                    double mean, double p99, long users, List<TopKRow> top, String latest) {
        Instant windowStart = Instant.parse(start);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("count", count);
        values.put("revenue", revenue);
        values.put("mean", mean);
        values.put("p99", p99);
        values.put("users", users);
        values.put("top", top);
        values.put("latest", latest);
        return new MergedResult("orders", windowStart, windowStart.plusSeconds(60),
                Map.of("type", type, "user.region", region), values);
    }

    /** Each row as "column=value" in schema order, absent (null) columns left out, as Parquet's reader gives them. */
    private List<String> read(byte[] object) throws IOException {
        List<String> lines = new ArrayList<>();
        MessageType schema = schema(object);
        for (Group group : ParquetFiles.rows(file(object))) {
            List<String> cells = new ArrayList<>();
            for (int field = 0; field < schema.getFieldCount(); field++) {
                if (group.getFieldRepetitionCount(field) > 0) {
                    cells.add(schema.getFieldName(field) + "=" + group.getValueToString(field, 0));
                }
            }
            lines.add(String.join(" ", cells));
        }
        return lines;
    }

    private MessageType schema(byte[] object) throws IOException {
        return footer(object).getSchema();
    }

    private FileMetaData footer(byte[] object) throws IOException {
        return ParquetFiles.footer(file(object));
    }

    private Path file(byte[] object) {
        try {
            return Files.write(Files.createTempFile(dir, "part", ".parquet"), object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps what is put, in key order. */
    private static final class FakeS3 implements S3Client {
        final Map<String, byte[]> objects = new TreeMap<>();
        int puts;

        @Override
        public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
            try (var in = body.contentStreamProvider().newStream()) {
                objects.put(request.key(), in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            puts++;
            return PutObjectResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "s3";
        }

        @Override
        public void close() {
        }
    }
}
