package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code rtpipe local --metrics F --input G --export H} with a spec that has a filter, two group-by fields (one
 * nested), tumbling and hopping windows, allowed lateness, de-duplication and every exact aggregate: the exported
 * results equal a plain computation written here. One shard, so the stream keeps the file's order and this test can
 * replay the lateness decisions itself.
 */
class LocalMetricsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;

    private static final String SPEC = """
            metrics:
              - name: orders_by_type_country
                filter: "type != 'view' && amount >= 10"
                group_by: [type, geo.country]
                timestamp: ts
                window: {type: tumbling, size: 1m}
                allowed_lateness: 20s
                dedup: {field: event_id}
                aggregates:
                  - {name: orders, fn: count}
                  - {name: revenue, fn: sum, field: amount}
                  - {name: smallest, fn: min, field: amount}
                  - {name: largest, fn: max, field: amount}
                  - {name: mean, fn: avg, field: amount}
                  - {name: first_user, fn: first, field: user_id}
                  - {name: last_user, fn: last, field: user_id}
              - name: rolling_by_type
                group_by: [type]
                window: {type: hopping, size: 2m, slide: 1m}
                allowed_lateness: 5s
                dedup: {field: event_id}
                aggregates:
                  - {name: events, fn: count}
                  - {name: amount, fn: sum, field: amount}
            """;

    /** One input event, in file order. */
    record Event(int position, String id, long ts, String type, String country, String user, long amount) {}

    @Test
    void exportEqualsAPlainComputationOfTheSpec(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("metrics.yaml"), SPEC);
        Path input = dir.resolve("events.jsonl");
        Path export = dir.resolve("results.jsonl");
        List<Event> events = events(new Random(5));
        Files.write(input, events.stream().map(LocalMetricsIT::json).toList(), StandardCharsets.UTF_8);

        int exit = Main.commandLine().execute("local", "--shards", "1", "--metrics", spec.toString(),
                "--input", input.toString(), "--export", export.toString());

        assertThat(exit).isZero();
        Map<String, JsonNode> exported = new TreeMap<>();
        for (String line : Files.readAllLines(export, StandardCharsets.UTF_8)) {
            JsonNode r = JSON.readTree(line);
            exported.put(r.get("metric").asText() + "|" + r.get("window_start").asText() + "|" + r.get("key"),
                    r.get("values"));
        }
        Map<String, Cell> expected = new TreeMap<>();
        expected.putAll(reference(events, "orders_by_type_country", MINUTE, MINUTE, 20_000, true));
        expected.putAll(reference(events, "rolling_by_type", 2 * MINUTE, MINUTE, 5_000, false));
        assertThat(exported.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, cell) -> {
            JsonNode values = exported.get(key);
            if (key.startsWith("orders_by_type_country")) {
                assertThat(values.get("orders").asLong()).as(key).isEqualTo(cell.count);
                assertThat(values.get("revenue").asLong()).as(key).isEqualTo(cell.sum);
                assertThat(values.get("smallest").asLong()).as(key).isEqualTo(cell.min);
                assertThat(values.get("largest").asLong()).as(key).isEqualTo(cell.max);
                assertThat(values.get("mean").asDouble()).as(key).isCloseTo((double) cell.sum / cell.count, within(1e-9));
                assertThat(values.get("first_user").asText()).as(key).isEqualTo(cell.first.user());
                assertThat(values.get("last_user").asText()).as(key).isEqualTo(cell.last.user());
            } else {
                assertThat(values.get("events").asLong()).as(key).isEqualTo(cell.count);
                assertThat(values.get("amount").asLong()).as(key).isEqualTo(cell.sum);
            }
        });
    }

    /** Mostly time-ordered events, with duplicates (same id and time) and some well out of order. */
    private static List<Event> events(Random random) {
        long base = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();
        String[] types = {"view", "click", "purchase"};
        String[] countries = {"DE", "FR", "US"};
        List<Event> events = new ArrayList<>();
        long clock = base;
        for (int i = 0; i < 700; i++) {
            clock += random.nextInt(700);
            long ts = random.nextInt(20) == 0 ? clock - 15_000 - random.nextInt(30_000) : clock;
            Event e = new Event(events.size(), "e" + i, ts, types[random.nextInt(3)], countries[random.nextInt(3)],
                    "u" + random.nextInt(40), random.nextInt(100));
            events.add(e);
            if (random.nextInt(15) == 0) {
                events.add(new Event(events.size(), e.id(), e.ts(), e.type(), e.country(), e.user(), e.amount()));
            }
        }
        return events;
    }

    private static String json(Event e) {
        ObjectNode node = JSON.createObjectNode().put("event_id", e.id()).put("ts", e.ts()).put("type", e.type())
                .put("user_id", e.user()).put("amount", e.amount());
        node.putObject("geo").put("country", e.country());
        return node.toString();
    }

    /** The expected values of one window and key. */
    static final class Cell {
        long count;
        long sum;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        Event first;
        Event last;
        final Set<String> ids = new HashSet<>();

        void add(Event e) {
            count++;
            sum += e.amount();
            min = Math.min(min, e.amount());
            max = Math.max(max, e.amount());
            // By event time, ties by position in the shard (here: the file).
            if (first == null || e.ts() < first.ts()) {
                first = e;
            }
            if (last == null || e.ts() >= last.ts()) {
                last = e;
            }
        }
    }

    /**
     * Replays the events in file order as one shard: the watermark is the highest event time seen before an event
     * minus the lateness, and an event is late for a window ending at or below it.
     */
    private static Map<String, Cell> reference(List<Event> events, String metric, long size, long slide,
                                               long lateness, boolean filteredByCountry) {
        Map<String, Cell> cells = new HashMap<>();
        long maxSeen = Long.MIN_VALUE;
        for (Event e : events) {
            if (filteredByCountry && (e.type().equals("view") || e.amount() < 10)) {
                continue;
            }
            for (long start = Math.floorDiv(e.ts(), slide) * slide; start > e.ts() - size; start -= slide) {
                boolean late = maxSeen != Long.MIN_VALUE && start + size <= maxSeen - lateness;
                if (late) {
                    continue;
                }
                String key = filteredByCountry
                        ? "{\"type\":\"" + e.type() + "\",\"geo.country\":\"" + e.country() + "\"}"
                        : "{\"type\":\"" + e.type() + "\"}";
                Cell cell = cells.computeIfAbsent(metric + "|" + Instant.ofEpochMilli(start) + "|" + key, k -> new Cell());
                if (cell.ids.add(e.id())) {
                    cell.add(e);
                }
            }
            maxSeen = Math.max(maxSeen, e.ts());
        }
        return cells;
    }
}
