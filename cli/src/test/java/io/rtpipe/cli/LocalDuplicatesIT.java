package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtpipe local --metrics F --input G --export H} with default flags, on 4 shards, over the file a user replays:
 * about one event in six appears twice (same id, same bytes, a few lines later), event times are out of order by up to
 * 2 s, some events arrive 10 minutes late, and malformed lines sit among the events. Each event counts once, because
 * the run partitions by the spec's dedup field ({@code id}, not {@code event_id}) so copies meet on one shard (with
 * random keys three copies in four would land on another shard and count twice); the producer's shard lanes keep the
 * 2 s of disorder from growing into false lateness; the 10-minute-late events are set aside, not counted. The expected
 * results are this test's own count of the file.
 */
class LocalDuplicatesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;
    /** Distinct events in the file: about 20 minutes of event time. */
    private static final int EVENTS = 8_000;

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
    void copiesOfAnEventCountOnceWithDefaultFlags(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("metrics.yaml"), SPEC);
        Path input = dir.resolve("events.jsonl");
        Path export = dir.resolve("results.jsonl");
        Map<String, long[]> expected = writeInput(input, new Random(12));

        int exit = Main.commandLine().execute("local", "--shards", "4", "--metrics", spec.toString(),
                "--input", input.toString(), "--export", export.toString());

        assertThat(exit).as("rtpipe local exit code (0 only if its own audit passed)").isZero();
        Map<String, long[]> exported = new HashMap<>();
        for (String line : Files.readAllLines(export, StandardCharsets.UTF_8)) {
            JsonNode result = JSON.readTree(line);
            assertThat(result.get("final").asBoolean()).as("final after the drain on all 4 shards: %s", line).isTrue();
            exported.put(result.get("key").get("type").asText() + "@" + result.get("window_start").asText(),
                    new long[] {result.get("values").get("events").asLong(),
                            result.get("values").get("amount").asLong()});
        }
        assertThat(exported.keySet()).isEqualTo(expected.keySet());
        expected.forEach((cell, want) -> assertThat(exported.get(cell)).as(cell).containsExactly(want));
    }

    /**
     * {@link #EVENTS} events about 150 ms apart: the file of {@link #writeInput(Path, Random, int, int)}.
     */
    static Map<String, long[]> writeInput(Path file, Random random) throws IOException {
        return writeInput(file, random, EVENTS, 300);
    }

    /**
     * Writes {@code events} events (ids "n0", "n1", ...) whose times advance up to {@code maxStepMillis} (half that
     * on average) a line with up to 2 s of disorder, some
     * repeated 1 to 10 lines later (well inside the allowed lateness), one event in 250 ten minutes behind the others
     * (far beyond the 30 s lateness on every shard: each shard has seen events of the last seconds), and malformed
     * lines; returns {count, sum of amount} per "type@window start" over distinct ids that are not late. Also the
     * hostile file of the SQL front-end's tests ({@link SqlSpecCommandsTest}, {@link LocalSqlIT}).
     */
    static Map<String, long[]> writeInput(Path file, Random random, int events, int maxStepMillis)
            throws IOException {
        long ts = Instant.parse("2026-02-01T08:00:00Z").toEpochMilli();
        String[] types = {"view", "click", "purchase"};
        String[] malformed = {"{not json", "just some text", "{\"type\":\"view\",\"ts\":"};
        List<String> lines = new ArrayList<>();
        List<String> pendingCopies = new ArrayList<>();
        List<Integer> copyDue = new ArrayList<>();
        Map<String, long[]> expected = new HashMap<>();
        Set<String> ids = new HashSet<>();
        long start = ts;
        int late = 0;
        for (int i = 0; i < events; i++) {
            ts += random.nextInt(maxStepMillis);
            String type = types[random.nextInt(types.length)];
            long amount = 1 + random.nextInt(100);
            if (i % 250 == 249 && ts - start > 12 * MINUTE) {
                lines.add(JSON.createObjectNode().put("id", "late" + i).put("ts", ts - 10 * MINUTE).put("type", type)
                        .put("amount", amount).toString());
                late++;
            }
            long eventTime = ts - random.nextInt(2_001);
            String line = JSON.createObjectNode().put("id", "n" + i).put("ts", eventTime).put("type", type)
                    .put("amount", amount).toString();
            lines.add(line);
            assertThat(ids.add("n" + i)).isTrue();
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
            if (i % 250 == 125) {
                lines.add(malformed[(i / 250) % malformed.length]);
            }
        }
        lines.addAll(pendingCopies);
        assertThat(lines.size()).as("the file holds copies").isGreaterThan(events + events / 8);
        assertThat(late).as("the file holds 10-minute-late events").isGreaterThanOrEqualTo(10);
        Files.write(file, lines, StandardCharsets.UTF_8);
        return expected;
    }
}
