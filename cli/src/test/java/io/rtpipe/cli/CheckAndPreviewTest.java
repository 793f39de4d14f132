package io.rtpipe.cli;

import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.MergedResultJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtpipe check} and {@code rtpipe preview}: no AWS, no emulators. */
class CheckAndPreviewTest {

    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void checkNamesTheBinaryDecoderAndWhereItsSchemaComesFrom() throws IOException {
        String metrics = "metrics:\n  - name: n\n    aggregates:\n      - {name: n, fn: count}\n";
        Path glue = Files.writeString(dir.resolve("glue.yaml"), "decoder: {type: avro, framing: glue}\n" + metrics);
        assertThat(run("check", glue.toString())).isZero();
        assertThat(out.toString()).startsWith(glue + ": 1 metric(s), records decoded as Avro (glue framing, writer "
                + "schema from the Glue Schema Registry)\n");
        out.getBuffer().setLength(0);
        Path confluent = Files.writeString(dir.resolve("confluent.yaml"), "decoder: {type: avro, framing: confluent, "
                + "registry_url: \"http://registry:8081\"}\n" + metrics);
        assertThat(run("check", confluent.toString())).isZero();
        assertThat(out.toString()).startsWith(confluent + ": 1 metric(s), records decoded as Avro (confluent "
                + "framing, writer schema from the registry at http://registry:8081)\n");

        Path input = Files.writeString(dir.resolve("lines.jsonl"), "{\"ts\": 1}\n");
        assertThat(run("preview", "--metrics", glue.toString(), "--input", input.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("rtpipe: rtpipe preview feeds the engine text lines, and " + glue
                + " decodes binary Avro records: run that spec with rtpipe consume" + NL);
    }

    @Test
    void checkPrintsTheCompiledPlanWithDefaultsFilledIn() throws IOException {
        Path spec = Files.writeString(dir.resolve("metrics.yaml"), """
                memory_budget: {per_shard: 1GB, events_per_second: 500, value_bytes: 32}
                metrics:
                  - name: revenue_by_page
                    filter: "type == 'purchase' && amount > 0"
                    group_by: [page, geo.country]
                    window: {type: hopping, size: 5m, slide: 1m}
                    dedup: {field: event_id}
                    aggregates:
                      - {name: orders, fn: count}
                      - {name: revenue, fn: sum, field: amount}
                  - name: sessions
                    timestamp: arrival
                    window: {type: session, gap: 30s, max_length: 1h}
                    allowed_lateness: 0s
                    aggregates:
                      - {name: top_users, fn: topk, field: user_id, k: 3}
                """);
        // Worst-case state by docs/metrics.md's formula, at 500 events/s and 32-byte values.
        // revenue_by_page: 5 + ceil(5s / 1m) = 6 open windows × 100,001 keys = 600,006 key-windows, fewer than the
        // 500 × 305 s × 5 = 762,500 values; a key-window 256 B + 2 × (40 + 32) B, count 24 B, sum 48 B; dedup ids
        // (80 + 32) B per value.
        long revenueKeys = 600_006L * (256 + 2 * (40 + 32));
        long revenue = revenueKeys + 600_006L * 24 + 600_006L * 48 + 762_500L * (80 + 32);
        // sessions: 2 + ceil(0 / 30s) = 2 slices × 100,001 keys = 200,002 key-windows, fewer than 500 × 3,600 s
        // values; keys 256 B; topk k=3 (a 1,024-entry map): min(K × (256 + 14 × 1,024 + 768 × (40 + 32)),
        // K × 256 + values × (80 + 32)).
        long sessionKeys = 200_002L * 256;
        long topK = Math.min(200_002L * (256 + 14 * 1024 + 768 * (40 + 32)), 200_002L * 256 + 1_800_000L * (80 + 32));
        long sessions = sessionKeys + topK;
        assertThat(run("check", spec.toString())).isZero();
        assertThat(out.toString()).isEqualTo((spec + ": 2 metric(s), records decoded as JSON (one object per record)\n"
                + "\n"
                + "metric revenue_by_page\n"
                + "  filter      type == 'purchase' && amount > 0\n"
                + "  group by    page, geo.country\n"
                + "  timestamp   event time from field ts (epoch milliseconds)\n"
                + "  window      hopping 5m, every 1m\n"
                + "  lateness    5s (later records go to late/)\n"
                + "  dedup       by event_id within a window\n"
                + "  max keys    100,000 per window and shard\n"
                + "  aggregates  orders = count\n"
                + "              revenue = sum(amount)\n"
                + "  state       at most " + mb(revenue) + " per shard (6 open windows × 100,001 keys = 600,006"
                + " key-windows, largest part keys " + mb(revenueKeys) + ")\n"
                + "\n"
                + "metric sessions\n"
                + "  filter      (none: every record)\n"
                + "  group by    (nothing: one key for all)\n"
                + "  timestamp   arrival time in Kinesis\n"
                + "  window      session, closed after a gap of 30s per key, cut at every 1h since the epoch"
                + " (max_length)\n"
                + "  lateness    0ms (later records go to late/)\n"
                + "  dedup       (none)\n"
                + "  max keys    100,000 per window and shard\n"
                + "  aggregates  top_users = topk(user_id, k=3)\n"
                + "  state       at most " + mb(sessions) + " per shard (2 open windows × 100,001 keys = 200,002"
                + " key-windows, largest part top_users = topk(user_id, k=3) " + mb(topK) + ")\n"
                + "\n"
                + "worst-case window state " + mb(revenue + sessions) + " per shard in all, of the 1.0 GB"
                + " memory_budget.per_shard (assuming 500 events/s per shard, values up to 32 bytes)\n")
                .replace("\n", NL));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void checkReportsASpecMistakeAsOneLocatedSentenceAndExitCode2() throws IOException {
        Path spec = Files.writeString(dir.resolve("bad.yaml"), """
                metrics:
                  - name: orders
                    window: {type: tumbling, size: 1 minute}
                    aggregates:
                      - {name: n, fn: count}
                """);
        assertThat(run("check", spec.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("rtpipe: " + spec + ":3: metrics[0].window.size: found \"1 minute\", "
                + "expected a duration such as 30s, 1m, 1h" + NL);
        assertThat(out.toString()).isEmpty();
        err.getBuffer().setLength(0);
        assertThat(run("check", dir.resolve("none.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("rtpipe: SPEC: no such file: " + dir.resolve("none.yaml") + NL);
    }

    @Test
    void previewCountsAFileAsTheBuiltInMetricDefinesAndReportsBadAndLateLines() throws IOException {
        // Ground truth kept while writing the file: distinct event ids per (minute, type).
        long base = Instant.parse("2026-11-26T08:00:00Z").toEpochMilli();
        Map<String, Set<String>> idsPerCell = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        Random random = new Random(7);
        String[] types = {"click", "view", "purchase"};
        for (int i = 0; i < 3_000; i++) {
            long ts = base + i * 60L; // 3 minutes, in order
            String type = types[random.nextInt(types.length)];
            String id = "e" + i;
            lines.add("{\"event_id\":\"" + id + "\",\"type\":\"" + type + "\",\"ts\":" + ts + "}");
            idsPerCell.computeIfAbsent(Instant.ofEpochMilli(ts - ts % 60_000) + " " + type, k -> new HashSet<>())
                    .add(id);
            if (i % 100 == 0) {
                lines.add(lines.get(lines.size() - 1)); // a producer retry's copy: counted once
            }
            if (i == 1_000) {
                lines.add("this is not json");
                lines.add("");
            }
        }
        lines.add("{\"event_id\":\"late\",\"type\":\"click\",\"ts\":" + base + "}"); // minute 0 fired long ago
        Path input = Files.write(dir.resolve("events.jsonl"), lines);
        int badLine = lines.indexOf("this is not json") + 1;

        assertThat(run("preview", "--input", input.toString())).as(err.toString()).isZero();

        Map<String, Long> counted = new TreeMap<>();
        for (String line : out.toString().split(NL)) {
            MergedResult result = MergedResultJson.fromJsonLine(line);
            assertThat(result.metric()).isEqualTo("events_per_minute");
            assertThat(result.windowEnd()).isEqualTo(result.windowStart().plusSeconds(60));
            counted.put(result.windowStart() + " " + result.key().get("type"), (Long) result.values().get("count"));
        }
        Map<String, Long> expected = new TreeMap<>();
        idsPerCell.forEach((cell, ids) -> expected.put(cell, (long) ids.size()));
        assertThat(counted).isEqualTo(expected);
        assertThat(err.toString()).startsWith("rtpipe preview: dead letter, " + input + ":" + badLine + ": ")
                .endsWith(String.format("rtpipe preview: %,d records, %d window results; 1 dead letters, "
                        + "1 late for events_per_minute", 3_000 + 30 + 1 + 1, expected.size()) + NL);
    }

    @Test
    void previewWritesTheExportFileInsteadOfStdout() throws IOException {
        Path input = Files.writeString(dir.resolve("in.jsonl"),
                "{\"event_id\":\"a\",\"type\":\"click\",\"ts\":1764144000000}\n");
        Path export = dir.resolve("out.jsonl");
        assertThat(run("preview", "--input", input.toString(), "--export", export.toString())).isZero();
        assertThat(out.toString()).isEmpty();
        assertThat(Files.readString(export)).isEqualTo("{\"metric\":\"events_per_minute\","
                + "\"window_start\":\"2025-11-26T08:00:00Z\",\"window_end\":\"2025-11-26T08:01:00Z\",\"final\":true,"
                + "\"key\":{\"type\":\"click\"},\"values\":{\"count\":1}}\n");
        assertThat(err.toString()).isEqualTo("rtpipe preview: 1 records, 1 window results written to " + export
                + "; 0 dead letters, 0 late records" + NL);
    }

    @Test
    void previewOfAMissingInputIsExitCode2() {
        assertThat(run("preview", "--input", dir.resolve("nope.jsonl").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("rtpipe: --input: no such file: " + dir.resolve("nope.jsonl") + NL);
    }

    /** Bytes as rtpipe writes them from 10 MB to 10 GB: whole units of 1,024². */
    private static String mb(long bytes) {
        double mb = bytes / (double) (1 << 20);
        assertThat(mb).isBetween(10.0, 10_000.0);
        return String.format(java.util.Locale.ROOT, "%,.0f MB", mb);
    }
}
