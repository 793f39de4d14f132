package io.rtpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.publish.ParquetFiles;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
 * lines later): every Parquet object, read back with the Parquet library, holds exactly this test's own count and sum
 * per type and minute, one object per hour; the run's own replay (the publisher again from no cursor) left every
 * object byte-identical.
 */
class LocalParquetIT {

    private static final ObjectMapper JSON = new ObjectMapper();
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
        Map<String, long[]> expected = writeInput(input, new Random(15));

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

    /**
     * Writes events (ids "n0", "n1", ...) whose times advance about 360 ms a line (three hours in all) with up to
     * 2 s of disorder, about one in six repeated 1 to 10 lines later; returns {count, sum of amount} per
     * "type@window start" over distinct ids.
     */
    private static Map<String, long[]> writeInput(Path file, Random random) throws IOException {
        long ts = Instant.parse("2026-02-01T07:40:00Z").toEpochMilli();
        String[] types = {"view", "click", "purchase"};
        List<String> lines = new ArrayList<>();
        List<String> pendingCopies = new ArrayList<>();
        List<Integer> copyDue = new ArrayList<>();
        Map<String, long[]> expected = new HashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            ts += random.nextInt(720);
            String type = types[random.nextInt(types.length)];
            long amount = 1 + random.nextInt(100);
            long eventTime = ts - random.nextInt(2_001);
            String line = JSON.createObjectNode().put("id", "n" + i).put("ts", eventTime).put("type", type)
                    .put("amount", amount).toString();
            lines.add(line);
            long[] cell = expected.computeIfAbsent(
                    type + "@" + Instant.ofEpochMilli(eventTime - Math.floorMod(eventTime, MINUTE)), k -> new long[2]);
            cell[0]++;
            cell[1] += amount;
            if (random.nextInt(6) == 0) {
                pendingCopies.add(line);
                copyDue.add(i + 1 + random.nextInt(10));
            }
            for (int c = pendingCopies.size() - 1; c >= 0; c--) {
                if (copyDue.get(c) <= i) {
                    lines.add(pendingCopies.remove(c));
                    copyDue.remove(c);
                }
            }
        }
        lines.addAll(pendingCopies);
        assertThat(lines.size()).as("tens of thousands of lines, with copies").isGreaterThan(EVENTS + EVENTS / 8);
        Files.write(file, lines, StandardCharsets.UTF_8);
        return expected;
    }
}
