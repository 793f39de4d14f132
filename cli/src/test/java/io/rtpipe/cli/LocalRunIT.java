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
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtpipe local --input F --export G} end to end on the emulators: the exported per-type, per-minute counts
 * equal this test's own count of F's valid lines, and the run's audit (archive, dead letters) passes.
 */
class LocalRunIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;

    @Test
    void countsEveryValidLineOfTheInputOnceAndDeadLettersTheRest(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("events.jsonl");
        Path export = dir.resolve("results.jsonl");
        Map<String, Long> expected = writeInput(input, new Random(11));

        int exit = Main.commandLine().execute("local", "--input", input.toString(), "--export", export.toString());

        assertThat(exit).as("rtpipe local exit code (0 only if its own audit passed)").isZero();
        Map<String, Long> exported = new HashMap<>();
        for (String line : Files.readAllLines(export, StandardCharsets.UTF_8)) {
            JsonNode result = JSON.readTree(line);
            assertThat(result.get("metric").asText()).isEqualTo("events_per_minute");
            assertThat(result.get("final").asBoolean()).as("after the drain every shard fired every window: %s", line)
                    .isTrue();
            assertThat(Instant.parse(result.get("window_end").asText()))
                    .isEqualTo(Instant.parse(result.get("window_start").asText()).plusSeconds(60));
            exported.put(result.get("key").get("type").asText() + "@" + result.get("window_start").asText(),
                    result.get("values").get("count").asLong());
        }
        assertThat(exported).isEqualTo(expected);
    }

    /** Writes time-ordered valid events with malformed lines among them; returns the expected counts. */
    private static Map<String, Long> writeInput(Path file, Random random) throws IOException {
        long start = Instant.parse("2026-01-15T10:00:00Z").toEpochMilli();
        String[] types = {"view", "click", "purchase"};
        String[] malformed = {"{not json", "{\"ts\":\"noon\",\"type\":\"view\"}", "{\"type\":\"view\"}",
                "{\"ts\":1768471200000,\"type\":7}", "[1,2]", "{\"ts\":1.5e12,\"type\":\"view\"}"};
        List<String> lines = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        long ts = start;
        for (int i = 0; i < 600; i++) {
            ts += random.nextInt(400);
            String type = types[random.nextInt(types.length)];
            lines.add(JSON.createObjectNode().put("event_id", "e" + i).put("ts", ts).put("type", type)
                    .put("user_id", "u" + random.nextInt(20)).toString());
            expected.merge(type + "@" + Instant.ofEpochMilli(ts - Math.floorMod(ts, MINUTE)), 1L, Long::sum);
            if (i % 100 == 50) {
                lines.add(malformed[(i / 100) % malformed.length]);
                lines.add("");
            }
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return expected;
    }
}
