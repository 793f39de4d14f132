package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.spec.SpecLoader;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every example under examples/kda through {@code rtpipe migrate --check}: the printed spec is the committed
 * expected-spec.yaml, both runs agree, and their results equal this test's own computation over sample.jsonl (per
 * window and key, written here without the engine); a refused example prints its committed located refusal.
 */
class KdaExamplesTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "kda");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;

    private record Run(int exitCode, String out, String err) {}

    private static Run migrate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(Stream.concat(Stream.of("migrate"), Stream.of(args)).toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** A result row of the check's table: window start, key text, and the application's and the spec's values. */
    private record Row(String metric, Instant windowStart, String key, JsonNode application, JsonNode spec) {}

    private static Run check(Path example) {
        List<String> args = new ArrayList<>(List.of(example.resolve("application.sql").toString(), "--check",
                "--sample", example.resolve("sample.jsonl").toString()));
        if (Files.exists(example.resolve("input-schema.json"))) {
            args.addAll(List.of("--input-schema", example.resolve("input-schema.json").toString()));
        }
        return migrate(args.toArray(String[]::new));
    }

    private static List<Row> rows(String report) throws IOException {
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : report.split("\n")) {
            if (line.startsWith("check: ")) {
                inTable = !inTable && !line.startsWith("check: the same");
                continue;
            }
            String[] cells = line.strip().split("\\s{2,}");
            if (!inTable || cells[0].equals("metric")) {
                continue;
            }
            assertThat(cells).as("a row the application and the spec agree on: %s", line).hasSize(5);
            rows.add(new Row(cells[0], Instant.parse(cells[1]), cells[2], JSON.readTree(cells[3]),
                    JSON.readTree(cells[4])));
        }
        return rows;
    }

    private static List<JsonNode> sample(Path example, Predicate<JsonNode> filter) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(example.resolve("sample.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if (filter.test(event)) {
                events.add(event);
            }
        }
        return events;
    }

    /** Runs a supported example: exit 0, the committed spec, equal sides; the rows for the caller to compare. */
    private static List<Row> supported(String name) throws IOException {
        Path example = EXAMPLES.resolve(name);
        Run run = check(example);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(Files.readString(example.resolve("expected-spec.yaml")));
        assertThat(run.err()).contains("check: the same ");
        List<Row> rows = rows(run.err());
        assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(row.application()).isEqualTo(row.spec()));
        return rows;
    }

    /** Arrival-time windows: every record arrives at one instant in --check, so all rows share one window. */
    private static Map<String, JsonNode> oneWindow(List<Row> rows) {
        assertThat(rows.stream().map(Row::windowStart).distinct()).hasSize(1)
                .allSatisfy(start -> assertThat(start.toEpochMilli() % MINUTE).isZero());
        Map<String, JsonNode> byKey = new TreeMap<>();
        rows.forEach(row -> byKey.put(row.key(), row.application()));
        return byKey;
    }

    private static Map<String, List<JsonNode>> groups(List<JsonNode> events, Function<JsonNode, String> key) {
        Map<String, List<JsonNode>> groups = new TreeMap<>();
        events.forEach(event -> groups.computeIfAbsent(key.apply(event), k -> new ArrayList<>()).add(event));
        return groups;
    }

    /** An ISO-8601 event time's tumbling window start, and the group key, as the check's rows name them. */
    private static String windowAndKey(JsonNode event, long sizeMillis, String keyField) {
        long t = Instant.parse(event.get("event_time").asText()).toEpochMilli();
        return Instant.ofEpochMilli(t - t % sizeMillis) + " " + keyField + "=" + event.get(keyField).asText();
    }

    @Test
    void tumblingCountPerTickerWithStep() throws IOException {
        Map<String, JsonNode> results = oneWindow(supported("01-tumbling-count-step"));
        Map<String, List<JsonNode>> own = groups(sample(EXAMPLES.resolve("01-tumbling-count-step"), e -> true),
                e -> "ticker_symbol=" + e.get("ticker_symbol").asText());
        assertThat(results.keySet()).isEqualTo(own.keySet());
        own.forEach((key, events) -> assertThat(results.get(key).get("ticker_symbol_count").asLong())
                .as(key).isEqualTo(events.size()));
    }

    @Test
    void floorToMinuteAveragePerTicker() throws IOException {
        Map<String, JsonNode> results = oneWindow(supported("02-floor-to-minute"));
        Map<String, List<JsonNode>> own = groups(sample(EXAMPLES.resolve("02-floor-to-minute"), e -> true),
                e -> "ticker_symbol=" + e.get("ticker_symbol").asText());
        assertThat(results.keySet()).isEqualTo(own.keySet());
        own.forEach((key, events) -> {
            double mean = events.stream().mapToDouble(e -> e.get("price").asDouble()).sum() / events.size();
            assertThat(results.get(key).get("trades").asLong()).as(key).isEqualTo(events.size());
            assertThat(results.get(key).get("avg_price").asDouble()).as(key).isCloseTo(mean, within(1e-9));
        });
    }

    @Test
    void topKItemsTumbling() throws IOException {
        Map<String, JsonNode> results = oneWindow(supported("03-top-k-items"));
        Map<String, List<JsonNode>> own = groups(sample(EXAMPLES.resolve("03-top-k-items"), e -> true),
                e -> e.get("ticker_symbol").asText());
        List<Map.Entry<String, List<JsonNode>>> ranked = own.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, List<JsonNode>> e) -> -e.getValue().size()))
                .toList();
        assertThat(ranked.get(2).getValue().size()).as("no tie at the third place").isGreaterThan(
                ranked.get(3).getValue().size());
        StringBuilder expected = new StringBuilder("[");
        for (int i = 0; i < 3; i++) {
            expected.append(i == 0 ? "" : ",").append("{\"value\":\"").append(ranked.get(i).getKey())
                    .append("\",\"count\":").append(ranked.get(i).getValue().size()).append('}');
        }
        assertThat(results).containsOnlyKeys("(all)");
        assertThat(results.get("(all)").get("ticker")).isEqualTo(JSON.readTree(expected.append(']').toString()));
    }

    @Test
    void countDistinctItemsTumblingOverAFilteredCursor() throws IOException {
        Map<String, JsonNode> results = oneWindow(supported("04-distinct-items"));
        Set<String> fell = new HashSet<>();
        sample(EXAMPLES.resolve("04-distinct-items"), e -> e.get("change").asDouble() < 0)
                .forEach(e -> fell.add(e.get("ticker_symbol").asText()));
        assertThat(results).containsOnlyKeys("(all)");
        assertThat(results.get("(all)").get("number_of_distinct_items").asLong()).isEqualTo(fell.size());
    }

    @Test
    void multiPumpChainInEventTimeWindows() throws IOException {
        List<Row> rows = supported("05-multi-pump-chain");
        Map<String, List<JsonNode>> own = groups(sample(EXAMPLES.resolve("05-multi-pump-chain"),
                e -> e.get("sector").asText().equals("TECHNOLOGY") && e.get("quote").get("price").asDouble() > 10),
                e -> windowAndKey(e, 30_000, "ticker_symbol"));
        Map<String, JsonNode> results = new TreeMap<>();
        rows.forEach(row -> results.put(row.windowStart() + " " + row.key(), row.application()));
        assertThat(results.keySet()).isEqualTo(own.keySet());
        own.forEach((key, events) -> {
            assertThat(results.get(key).get("trades").asLong()).as(key).isEqualTo(events.size());
            assertThat(results.get(key).get("high").asDouble()).as(key).isEqualTo(events.stream()
                    .mapToDouble(e -> e.get("quote").get("price").asDouble()).max().orElseThrow());
        });
    }

    @Test
    void filteredPumpInEventTimeMinutes() throws IOException {
        List<Row> rows = supported("06-filtered-pump");
        Map<String, List<JsonNode>> own = groups(sample(EXAMPLES.resolve("06-filtered-pump"),
                e -> e.get("change").asDouble() < -2 && !e.get("sector").asText().equals("RETAIL")),
                e -> windowAndKey(e, MINUTE, "sector"));
        Map<String, JsonNode> results = new TreeMap<>();
        rows.forEach(row -> results.put(row.windowStart() + " " + row.key(), row.application()));
        assertThat(results.keySet()).isEqualTo(own.keySet());
        own.forEach((key, events) -> {
            assertThat(results.get(key).get("falls").asLong()).as(key).isEqualTo(events.size());
            assertThat(results.get(key).get("deepest").asDouble()).as(key).isEqualTo(events.stream()
                    .mapToDouble(e -> e.get("change").asDouble()).min().orElseThrow());
            assertThat(results.get(key).get("total_change").asDouble()).as(key).isCloseTo(events.stream()
                    .mapToDouble(e -> e.get("change").asDouble()).sum(), within(1e-9));
        });
    }

    @Test
    void staggerWindowsPerTickerOpenAtEachKeysFirstRecordAndStopAtTheMinute() throws IOException {
        List<Row> rows = supported("07-stagger-window");
        // This test's own walk: per ticker, a record at or after its window's end (10 s after the record that opened
        // it, or the next minute) opens the next one. The sample's event times rise, so no record is out of order.
        Map<String, Long> own = new TreeMap<>();
        Map<String, long[]> open = new TreeMap<>();
        for (JsonNode event : sample(EXAMPLES.resolve("07-stagger-window"), e -> true)) {
            long t = Instant.parse(event.get("event_time").asText()).toEpochMilli();
            String ticker = event.get("ticker_symbol").asText();
            long[] window = open.get(ticker);
            if (window == null || t >= window[1]) {
                window = new long[]{t, Math.min(t + 10_000, t - t % MINUTE + MINUTE)};
                open.put(ticker, window);
            }
            own.merge(Instant.ofEpochMilli(window[0]) + " ticker_symbol=" + ticker, 1L, Long::sum);
        }
        Map<String, Long> results = new TreeMap<>();
        rows.forEach(row -> results.put(row.windowStart() + " " + row.key(),
                row.application().get("ticker_count").asLong()));
        assertThat(results).isEqualTo(own);
        assertThat(rows).as("windows open at records, not aligned").anyMatch(row -> row.windowStart().toEpochMilli()
                % 10_000 != 0);
    }

    @Test
    void randomCutForestPerHostAndMinuteRanksTheOutliersFirst() throws IOException {
        List<Row> rows = supported("09-anomaly-detection");
        // This test's own outlier rule: latency more than 100 ms from the sample's 120 ms mean (sd 10).
        Map<String, Integer> records = new TreeMap<>();
        Map<String, Set<String>> outliers = new TreeMap<>();
        List<String> lines = Files.readAllLines(EXAMPLES.resolve("09-anomaly-detection").resolve("sample.jsonl"));
        for (int line = 1; line <= lines.size(); line++) {
            JsonNode event = JSON.readTree(lines.get(line - 1));
            long t = event.get("ts").asLong();
            String key = Instant.ofEpochMilli(t - t % MINUTE) + " host=" + event.get("host").asText();
            records.merge(key, 1, Integer::sum);
            Set<String> found = outliers.computeIfAbsent(key, k -> new HashSet<>());
            if (Math.abs(event.get("latency_ms").asDouble() - 120) > 100) {
                found.add(Integer.toString(line));
            }
        }
        Map<String, JsonNode> results = new TreeMap<>();
        rows.forEach(row -> results.put(row.windowStart() + " " + row.key(), row.application().get("anomaly_score")));
        assertThat(results.keySet()).isEqualTo(records.keySet());
        records.forEach((key, count) -> {
            JsonNode scores = results.get(key);
            assertThat(scores.get("scored").asInt()).as(key).isEqualTo(count);
            Set<String> top = new HashSet<>();
            for (int i = 0; i < outliers.get(key).size(); i++) {
                top.add(scores.get("top").get(i).get("position").asText());
            }
            assertThat(top).as(key).isNotEmpty().isEqualTo(outliers.get(key));
        });
    }

    @Test
    void hotspotsAreTheDenseRegionsOfTheSample() throws IOException {
        List<Row> rows = supported("10-hotspots");
        assertThat(rows).hasSize(1);
        JsonNode result = rows.get(0).application().get("hotspots_result");
        // This test's own clustering: points with at least 17 within 0.2 (themselves included) are cores, cores
        // within 0.2 of each other are one hotspot (union-find), and a point within 0.2 of a core belongs to it.
        List<double[]> points = sample(EXAMPLES.resolve("10-hotspots"), e -> true).stream()
                .map(e -> new double[]{e.get("x").asDouble(), e.get("y").asDouble()}).toList();
        int n = points.size();
        boolean[][] near = new boolean[n][n];
        boolean[] core = new boolean[n];
        for (int a = 0; a < n; a++) {
            int count = 0;
            for (int b = 0; b < n; b++) {
                near[a][b] = Math.hypot(points.get(a)[0] - points.get(b)[0], points.get(a)[1] - points.get(b)[1])
                        <= 0.2;
                count += near[a][b] ? 1 : 0;
            }
            core[a] = count >= 17;
        }
        int[] root = new int[n];
        for (int a = 0; a < n; a++) {
            root[a] = a;
        }
        Function<Integer, Integer> find = new Function<>() {
            @Override
            public Integer apply(Integer a) {
                return root[a] == a ? a : (root[a] = apply(root[a]));
            }
        };
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (core[a] && core[b] && near[a][b]) {
                    root[find.apply(a)] = find.apply(b);
                }
            }
        }
        Map<Integer, List<double[]>> clusters = new TreeMap<>();
        for (int a = 0; a < n; a++) {
            Set<Integer> joined = new HashSet<>();
            for (int b = 0; b < n; b++) {
                if (core[b] && near[a][b]) {
                    joined.add(find.apply(b));
                }
            }
            assertThat(joined).as("point %d is near at most one hotspot (no tie for the sample)", a).hasSizeLessThan(2);
            double[] point = points.get(a);
            joined.forEach(c -> clusters.computeIfAbsent(c, k -> new ArrayList<>()).add(point));
        }
        List<List<double[]>> hotspots = clusters.values().stream().filter(c -> c.size() >= 17)
                .sorted(Comparator.comparingInt(c -> -c.size())).toList();
        assertThat(hotspots).as("the generator's two centres").hasSize(2);
        assertThat(result.get("points").asLong()).isEqualTo(n);
        for (int h = 0; h < hotspots.size(); h++) {
            List<double[]> members = hotspots.get(h);
            JsonNode hotspot = result.get("hotspots").get(h);
            assertThat(hotspot.get("count").asLong()).isEqualTo(members.size());
            assertThat(hotspot.get("density").asDouble()).isCloseTo((double) members.size() / n, within(1e-12));
            for (int axis = 0; axis < 2; axis++) {
                int i = axis;
                assertThat(hotspot.get("min").get(i).asDouble()).isEqualTo(members.stream().mapToDouble(p -> p[i])
                        .min().orElseThrow());
                assertThat(hotspot.get("max").get(i).asDouble()).isEqualTo(members.stream().mapToDouble(p -> p[i])
                        .max().orElseThrow());
            }
        }
    }

    @Test
    void logParsingCountsRequestsPerStatus() throws IOException {
        Map<String, JsonNode> results = oneWindow(supported("08-log-parsing"));
        // The status is the first word after the request's closing quote, found here without a regular expression.
        Map<String, List<JsonNode>> own = groups(sample(EXAMPLES.resolve("08-log-parsing"), e -> true), e -> {
            String log = e.get("log").asText();
            return "status=" + log.substring(log.lastIndexOf('"') + 2).split(" ")[0];
        });
        assertThat(results.keySet()).isEqualTo(own.keySet()).hasSizeGreaterThan(1);
        own.forEach((key, events) -> assertThat(results.get(key).get("requests").asLong()).as(key)
                .isEqualTo(events.size()));
    }

    @Test
    void theCheckMarksResultsThatDifferAndSaysHowMany() throws IOException {
        Path sample = EXAMPLES.resolve("06-filtered-pump").resolve("sample.jsonl");
        EngineConfig spec = SpecLoader.standard().load(EXAMPLES.resolve("06-filtered-pump")
                .resolve("expected-spec.yaml"));
        EngineConfig other = SpecLoader.standard().parse("other.yaml", Files.readString(EXAMPLES
                .resolve("06-filtered-pump").resolve("expected-spec.yaml")).replace("change < -2", "change < -3"));
        StringWriter text = new StringWriter();
        boolean same = MigrateCommand.compare(new PrintWriter(text, true), sample, spec, other);
        assertThat(same).isFalse();
        List<String> marked = text.toString().lines().filter(line -> line.startsWith(" *")).toList();
        assertThat(marked).isNotEmpty();
        assertThat(text.toString()).contains("check: " + marked.size() + " of 15 window results differ, marked *");
    }

    @Test
    void everyExampleIsTested() throws IOException {
        try (Stream<Path> folders = Files.list(EXAMPLES)) {
            assertThat(folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("01-tumbling-count-step", "02-floor-to-minute", "03-top-k-items",
                            "04-distinct-items", "05-multi-pump-chain", "06-filtered-pump", "07-stagger-window",
                            "08-log-parsing", "09-anomaly-detection", "10-hotspots");
        }
    }

    @Test
    void specAndReportGoToFilesAndFlagMistakesAreOneSentence(@TempDir Path dir) throws IOException {
        Path example = EXAMPLES.resolve("02-floor-to-minute");
        Run run = migrate(example.resolve("application.sql").toString(), "--output", dir.resolve("spec.yaml")
                .toString(), "--report", dir.resolve("report.txt").toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEmpty();
        assertThat(dir.resolve("spec.yaml")).hasContent(Files.readString(example.resolve("expected-spec.yaml")));
        assertThat(Files.readString(dir.resolve("report.txt"))).startsWith("rtpipe migrate: "
                + example.resolve("application.sql") + ": 1 metric(s), written to " + dir.resolve("spec.yaml")
                + "\nstatements:\n");

        Run noSample = migrate(example.resolve("application.sql").toString(), "--check");
        assertThat(noSample.exitCode()).isEqualTo(2);
        assertThat(noSample.err()).isEqualTo("rtpipe: --check needs --sample FILE, the records to run both over\n");

        Files.writeString(dir.resolve("plain.sql"), "INSERT INTO m SELECT window_start, window_end, COUNT(*) AS n "
                + "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) "
                + "GROUP BY window_start, window_end");
        Run notKda = migrate(dir.resolve("plain.sql").toString());
        assertThat(notKda.exitCode()).isEqualTo(2);
        assertThat(notKda.err()).startsWith("rtpipe: " + dir.resolve("plain.sql") + ": creates no pump");
    }
}
