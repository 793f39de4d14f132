package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile corpus through {@code rtpipe local --input}: good events (copies of event ids, 2 s of disorder, a
 * group-by value of 1,100 characters whose sort key is over 1,024 bytes, events the filter drops, 10-minute-late
 * events) mixed with every kind of bad line (not UTF-8, not JSON, arrays, missing and wrong-typed fields, 1e400 and
 * NaN in the quantile's field, year-9999 and epoch-seconds times, a deeply nested object, a line over 1 MB). The
 * expected results and dead letters are this test's own account of what it generated: the exported count, quantile,
 * topk and distinct per window and key equal it, the run's audit finds every dead letter once with a reason and as
 * many as the corpus has bad lines, and the engine gives each bad line a reason of its class.
 */
class LocalHostileCorpusIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;
    private static final long LATENESS = 5_000;

    static final String SPEC = """
            metrics:
              - name: hostile
                filter: "source != 'test'"
                group_by: [type]
                timestamp: ts
                window: {type: tumbling, size: 1m}
                allowed_lateness: 5s
                dedup: {field: event_id}
                aggregates:
                  - {name: n, fn: count}
                  - {name: median_amount, fn: quantile, field: amount, q: 0.5}
                  - {name: top_pages, fn: topk, field: page, k: 3}
                  - {name: users, fn: distinct, field: user_id}
            """;

    /** What a line is, and for bad lines the start of the reason the engine must give. */
    enum Kind {
        GOOD(null), COPY(null), FILTERED(null), LATE(null), LONG_KEY(null),
        NOT_UTF8("not valid JSON"), NOT_JSON("not valid JSON"), ARRAY("not a JSON object: found array"),
        MISSING_TS("ts: missing"), WRONG_TYPE("type: expected a string, found integer"),
        AMOUNT_STRING("amount: expected a number, found string"),
        AMOUNT_1E400("amount: outside the range of a 64-bit floating-point number"), AMOUNT_NAN("not valid JSON"),
        YEAR_9999("ts: 9999-12-31T23:59:59Z is more than 1h ahead"), EPOCH_SECONDS("ts: "),
        DEEP("not valid JSON"), TOO_LONG(null);

        final String reason;

        Kind(String reason) {
            this.reason = reason;
        }

        boolean bad() {
            return reason != null || this == TOO_LONG;
        }
    }

    /** One generated line. */
    record Line(Kind kind, byte[] bytes, long ts, String type, long amount, String page, String user) {
    }

    /** The expected values of one window and key. */
    static final class Cell {
        final List<Long> amounts = new ArrayList<>();
        final Map<String, Long> pages = new TreeMap<>();
        final Set<String> users = new TreeSet<>();
    }

    @Test
    void everyBadLineIsDeadLetteredOnceAndEveryGoodOneCountedOnce(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("hostile.yaml"), SPEC);
        Path input = dir.resolve("corpus.jsonl");
        Path export = dir.resolve("results.jsonl");
        List<Line> corpus = corpus(new Random(13), Instant.now().getEpochSecond());
        write(input, corpus);
        long bad = corpus.stream().filter(line -> line.kind().bad()).count();
        Set<Kind> kinds = corpus.stream().map(Line::kind).collect(Collectors.toSet());
        assertThat(kinds).as("the corpus holds every kind of line").containsExactlyInAnyOrder(Kind.values());

        // The engine's reasons, line by line, as the consumer decodes the bytes (the overlong line never gets there).
        EngineConfig config = SpecLoader.standard().load(spec);
        Map<Integer, String> reasons = deadLetterReasons(config, corpus);
        for (int i = 0; i < corpus.size(); i++) {
            Line line = corpus.get(i);
            if (line.kind() == Kind.TOO_LONG) {
                continue;
            }
            if (line.kind().reason == null) {
                assertThat(reasons.get(i)).as("line %d (%s)", i + 1, line.kind()).isNull();
            } else {
                assertThat(reasons.get(i)).as("line %d (%s)", i + 1, line.kind()).startsWith(line.kind().reason);
            }
        }

        // One shard: its record order is the file's, so the test can say which events are late.
        CapturedRun run = CapturedRun.of("local", "--shards", "1", "--metrics", spec.toString(),
                "--input", input.toString(), "--export", export.toString());
        String stdout = run.out();
        System.out.println(stdout);

        assertThat(run.exit()).as(stdout + run.err()).isZero();
        assertThat(stdout).contains(String.format("Dead letters: yes - %d invalid records, each in deadletter/ once"
                + " with a reason (1 of them a line too long to send, under unsent/)", bad));
        assertThat(stdout).containsPattern("\nPeak heap: [1-9][0-9,]* MB\\R");
        assertThat(exported(export)).isEqualTo(expected(corpus));
    }

    /**
     * About 900 lines over 12 minutes of event time: good events of three types (amounts, pages and users few enough
     * that every quantile, topk and distinct is exact), each bad kind several times, spread over the file.
     */
    static List<Line> corpus(Random random, long nowSeconds) {
        long clock = Instant.parse("2026-03-01T09:00:00Z").toEpochMilli();
        String[] types = {"view", "click", "buy"};
        String longType = "t".repeat(1_100);
        List<Line> lines = new ArrayList<>();
        List<Line> copies = new ArrayList<>();
        Kind[] badKinds = Arrays.stream(Kind.values()).filter(k -> k.reason != null).toArray(Kind[]::new);
        long id = 0;
        for (int i = 0; i < 700; i++) {
            clock += random.nextInt(2_000);
            long ts = clock - random.nextInt(2_000); // 2 s of disorder, within the 5 s lateness
            String type = i % 97 == 5 ? longType : types[random.nextInt(types.length)];
            Kind kind = type.equals(longType) ? Kind.LONG_KEY : Kind.GOOD;
            String source = "web";
            if (random.nextInt(25) == 0) {
                kind = Kind.FILTERED;
                source = "test";
            } else if (i > 20 && random.nextInt(40) == 0) {
                kind = Kind.LATE;
                ts = clock - 10 * MINUTE;
            }
            long amount = random.nextInt(1_000);
            String page = "p" + random.nextInt(6);
            String user = "u" + random.nextInt(30);
            String json = event("e" + id++, ts, type, source, Long.toString(amount), page, user);
            Line line = new Line(kind, utf8(json), ts, type, amount, page, user);
            lines.add(line);
            if (!copies.isEmpty() && random.nextInt(3) == 0) {
                Line copy = copies.remove(0);
                lines.add(new Line(Kind.COPY, copy.bytes(), copy.ts(), copy.type(), copy.amount(), copy.page(),
                        copy.user()));
            } else if (kind == Kind.GOOD && random.nextInt(10) == 0) {
                copies.add(line);
            }
            if (i % 5 == 2) {
                Kind badKind = badKinds[(i / 5) % badKinds.length];
                // Bad lines are stamped no later than the clock, so they could not move the watermark either way.
                lines.add(new Line(badKind, bad(badKind, "b" + id++, clock - 1_000, nowSeconds), 0, null, 0, null,
                        null));
            }
            if (i == 350) {
                lines.add(new Line(Kind.TOO_LONG, utf8("{\"pad\":\"" + "x".repeat(1_100_000) + "\"}"), 0, null, 0,
                        null, null));
            }
        }
        return lines;
    }

    private static String event(String id, long ts, String type, String source, String amount, String page,
                                String user) {
        return "{\"event_id\":\"" + id + "\",\"ts\":" + ts + ",\"type\":\"" + type + "\",\"source\":\"" + source
                + "\",\"amount\":" + amount + ",\"page\":\"" + page + "\",\"user_id\":\"" + user + "\"}";
    }

    private static byte[] bad(Kind kind, String id, long ts, long nowSeconds) {
        String ok = event(id, ts, "view", "web", "1", "p0", "u0");
        return switch (kind) {
            case NOT_UTF8 -> {
                byte[] bytes = utf8(event(id, ts, "view", "web", "1", "caf?", "u0"));
                int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("caf?") + 3;
                bytes[at] = (byte) 0xE9; // Latin-1 é: not UTF-8
                yield bytes;
            }
            case NOT_JSON -> utf8("GET /index.html HTTP/1.1 200");
            case ARRAY -> utf8("[" + ok + "]");
            case MISSING_TS -> utf8(ok.replace("\"ts\":" + ts + ",", ""));
            case WRONG_TYPE -> utf8(ok.replace("\"type\":\"view\"", "\"type\":5"));
            case AMOUNT_STRING -> utf8(event(id, ts, "view", "web", "\"12\"", "p0", "u0"));
            case AMOUNT_1E400 -> utf8(event(id, ts, "view", "web", "1e400", "p0", "u0"));
            case AMOUNT_NAN -> utf8(event(id, ts, "view", "web", "NaN", "p0", "u0"));
            case YEAR_9999 -> utf8(ok.replace("\"ts\":" + ts, "\"ts\":253402300799000"));
            case EPOCH_SECONDS -> utf8(ok.replace("\"ts\":" + ts, "\"ts\":" + nowSeconds));
            case DEEP -> utf8(ok.replace("}", ",\"deep\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}"));
            default -> throw new IllegalArgumentException(kind.name());
        };
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void write(Path file, List<Line> corpus) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Line line : corpus) {
            bytes.writeBytes(line.bytes());
            bytes.write('\n');
        }
        Files.write(file, bytes.toByteArray());
    }

    /**
     * The test's own results, "window start|type" to the exported values: good events in file order, each event id
     * once, none the filter drops, none late (window end at or below the highest time seen minus the lateness).
     */
    static Map<String, Map<String, Object>> expected(List<Line> corpus) {
        Map<String, Cell> cells = new TreeMap<>();
        Set<String> ids = new HashSet<>();
        long maxTime = Long.MIN_VALUE;
        for (Line line : corpus) {
            if (line.kind() == Kind.FILTERED || line.kind().bad()) {
                continue;
            }
            long start = Math.floorDiv(line.ts(), MINUTE) * MINUTE;
            boolean late = maxTime != Long.MIN_VALUE && start + MINUTE <= maxTime - LATENESS;
            if (line.kind() != Kind.COPY) { // a copy may come after its window fired: late instead of dropped
                assertThat(late).as("lateness of %s", line.kind()).isEqualTo(line.kind() == Kind.LATE);
            }
            maxTime = Math.max(maxTime, line.ts());
            String id = new String(line.bytes(), StandardCharsets.UTF_8).split("\"")[3];
            if (late || !ids.add(start + "|" + id)) {
                continue;
            }
            Cell cell = cells.computeIfAbsent(Instant.ofEpochMilli(start) + "|" + line.type(), k -> new Cell());
            cell.amounts.add(line.amount());
            cell.pages.merge(line.page(), 1L, Long::sum);
            cell.users.add(line.user());
        }
        Map<String, Map<String, Object>> expected = new TreeMap<>();
        cells.forEach((key, cell) -> {
            List<Long> sorted = cell.amounts.stream().sorted().toList();
            assertThat(sorted).as("few enough values for the exact quantile").hasSizeLessThanOrEqualTo(128);
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("n", (long) sorted.size());
            values.put("median_amount", (double) sorted.get((int) Math.floor(0.5 * (sorted.size() - 1))));
            values.put("top_pages", cell.pages.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(3).map(e -> e.getKey() + "=" + e.getValue()).toList());
            values.put("users", (long) cell.users.size());
            expected.put(key, values);
        });
        return expected;
    }

    /** The exported results in the shape of {@link #expected}. */
    static Map<String, Map<String, Object>> exported(Path export) throws IOException {
        Map<String, Map<String, Object>> exported = new TreeMap<>();
        for (String text : Files.readAllLines(export, StandardCharsets.UTF_8)) {
            JsonNode result = JSON.readTree(text);
            JsonNode values = result.get("values");
            Map<String, Object> cell = new LinkedHashMap<>();
            cell.put("n", values.get("n").asLong());
            cell.put("median_amount", values.get("median_amount").asDouble());
            List<String> top = new ArrayList<>();
            values.get("top_pages").forEach(row -> top.add(row.get("value").asText() + "=" + row.get("count").asLong()));
            cell.put("top_pages", top);
            cell.put("users", values.get("users").asLong());
            exported.put(result.get("window_start").asText() + "|" + result.get("key").get("type").asText(), cell);
        }
        return exported;
    }

    /** Line index to the engine's dead-letter reason, the lines' exact bytes fed to a shard engine in file order. */
    private static Map<Integer, String> deadLetterReasons(EngineConfig config, List<Line> corpus) {
        ShardEngine engine = new ShardEngine(config, "shard-0", ShardProgress.initial());
        Map<Integer, String> reasons = new TreeMap<>();
        long arrival = System.currentTimeMillis();
        for (int i = 0; i < corpus.size(); i++) {
            engine.process(new InputRecord(RecordPosition.of(Long.toString(i + 1)), "k", arrival,
                    corpus.get(i).bytes()));
        }
        engine.endOfInput();
        engine.takeFiredResults();
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();
        for (DeadLetter dead : plan.deadLetters()) {
            reasons.put(Integer.parseInt(dead.record().position().sequenceNumber()) - 1, dead.reason());
        }
        return reasons;
    }
}
