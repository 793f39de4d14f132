package io.rtpipe.cli;

import io.rtpipe.connectors.publish.ParquetFiles;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtpipe local --parquet-export DIR} with the default (KPL-aggregated) producer on 4 shards, over 30,000
 * events spread across three hours of event time of which about one in six is sent twice (same id and bytes a few
 * lines later), with far-late events and malformed lines among them: every Parquet object, read back with the
 * Parquet library, holds exactly this test's own count and sum per type and minute, one object per hour; the run's
 * own replay (the publisher again from no cursor) left every object byte-identical.
 */
class LocalParquetIT {

    private static final long MINUTE = 60_000;
    private static final int EVENTS = 30_000;
    private static final DateTimeFormatter HOUR_PATH = DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hr='HH")
            .withZone(ZoneOffset.UTC);

    private static final String SPEC = """
            metrics:
              - name: events_by_type
                group_by: [type]
                timestamp: ts
                window: {type: tumbling, size: 1m}
                allowed_lateness: 30s
                dedup: {field: id}
                aggregates:
                  - {name: events, fn: count}
                  - {name: amount, fn: sum, field: amount}
            """;

    @Test
    void parquetObjectsHoldTheFilesCountsAndAReplayRewritesThemIdentically(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("metrics.yaml"), SPEC);
        Path input = dir.resolve("events.jsonl");
        Path parquet = dir.resolve("parquet");
        // Three hours of events (about 360 ms apart), with copies, far-late events and malformed lines.
        Map<String, long[]> expected = LocalDuplicatesIT.writeInput(input, new Random(15), EVENTS, 720);

        CapturedRun run = CapturedRun.of("local", "--shards", "4", "--metrics", spec.toString(),
                "--input", input.toString(), "--parquet-export", parquet.toString());

        assertThat(run.exit()).as("rtpipe local exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err()).isZero();
        TreeSet<String> hours = new TreeSet<>();
        expected.keySet().forEach(cell -> hours.add(
                HOUR_PATH.format(Instant.parse(cell.substring(cell.indexOf('@') + 1)))));
        assertThat(run.out()).contains("Parquet replay: published again from no cursor, " + hours.size() + " of "
                + hours.size() + " object(s) byte-identical\n");

        List<Path> files;
        try (Stream<Path> walk = Files.walk(parquet)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files.stream().map(f -> parquet.relativize(f).toString()).toList()).isEqualTo(hours.stream()
                .map(hour -> "results-parquet/metric=events_by_type/" + hour + "/part-00000.parquet").toList());
        Map<String, long[]> read = new HashMap<>();
        for (Path file : files) {
            String hour = parquet.relativize(file).getParent().toString().replaceAll(".*/(dt=.*)", "$1");
            for (Group row : ParquetFiles.rows(file)) {
                Instant start = Instant.ofEpochMilli(row.getLong("window_start", 0));
                assertThat(HOUR_PATH.format(start)).as("a row's window in its hour's object").isEqualTo(hour);
                assertThat(row.getLong("window_end", 0)).isEqualTo(start.toEpochMilli() + MINUTE);
                long[] previous = read.put(row.getString("type", 0) + "@" + start,
                        new long[] {row.getLong("events", 0), (long) row.getDouble("amount", 0)});
                assertThat(previous).as("one row per window and key").isNull();
            }
        }
        assertThat(new TreeMap<>(read).keySet()).isEqualTo(new TreeMap<>(expected).keySet());
        expected.forEach((cell, want) -> assertThat(read.get(cell)).as(cell).containsExactly(want));
    }
}
