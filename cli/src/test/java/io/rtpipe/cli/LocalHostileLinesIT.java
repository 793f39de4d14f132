package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtpipe local --input F} with default flags (the built-in count per type per minute) over lines users feed
 * it by mistake: bytes that are not UTF-8 reach the consumer and are dead-lettered (the run once crashed on them),
 * integer event ids de-duplicate like string ones, and a line too long for a Kinesis record is a failure the run
 * reports, never a silent drop. Expected counts are this test's own count of the file.
 */
class LocalHostileLinesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;

    @Test
    void invalidUtf8IsDeadLetteredAndIntegerIdsCountOnce(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("events.jsonl");
        Path export = dir.resolve("results.jsonl");
        Map<String, Long> expected = writeInput(input, new Random(7), false);

        int exit = Main.commandLine().execute("local", "--input", input.toString(), "--export", export.toString());

        assertThat(exit).as("rtpipe local exit code (0 only if its own audit passed)").isZero();
        Map<String, Long> exported = new HashMap<>();
        for (String line : Files.readAllLines(export, StandardCharsets.UTF_8)) {
            JsonNode result = JSON.readTree(line);
            exported.put(result.get("key").get("type").asText() + "@" + result.get("window_start").asText(),
                    result.get("values").get("count").asLong());
        }
        assertThat(exported).isEqualTo(expected);
    }

    @Test
    void aLineTooLongForKinesisFailsTheRunWithASentence(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("events.jsonl");
        writeInput(input, new Random(8), true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try (PrintStream captured = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(captured);
            exit = Main.commandLine().execute("local", "--input", input.toString());
        } finally {
            System.setOut(original);
        }

        assertThat(exit).isNotZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Every line sent: NO - 1 line longer than "
                + "1,000,000 bytes was not sent: Kinesis takes at most 1 MiB per record.");
    }

    /**
     * Writes 1,200 time-ordered events with integer ids, one in eight repeated a few lines later, and every 100th
     * line a line with bytes that are not UTF-8 (and, if asked, one line of 1,000,001 bytes); returns the count per
     * "type@window start" over distinct ids.
     */
    private static Map<String, Long> writeInput(Path file, Random random, boolean withOverlongLine)
            throws IOException {
        long ts = Instant.parse("2026-03-01T09:00:00Z").toEpochMilli();
        String[] types = {"view", "click"};
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        Map<String, Long> expected = new HashMap<>();
        Set<Long> ids = new HashSet<>();
        String pendingCopy = null;
        for (long id = 0; id < 1_200; id++) {
            ts += random.nextInt(150);
            String type = types[random.nextInt(types.length)];
            String line = JSON.createObjectNode().put("event_id", id).put("ts", ts).put("type", type).toString();
            lines.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(ids.add(id)).isTrue();
            expected.merge(type + "@" + Instant.ofEpochMilli(ts - Math.floorMod(ts, MINUTE)), 1L, Long::sum);
            if (pendingCopy != null && random.nextBoolean()) {
                lines.writeBytes((pendingCopy + "\n").getBytes(StandardCharsets.UTF_8));
                pendingCopy = null;
            } else if (random.nextInt(8) == 0) {
                pendingCopy = line;
            }
            if (id % 100 == 50) {
                byte[] notUtf8 = ("{\"event_id\":" + (100_000 + id) + ",\"ts\":" + ts + ",\"type\":\"view\","
                        + "\"note\":\"caf?\"}\n").getBytes(StandardCharsets.UTF_8);
                notUtf8[notUtf8.length - 4] = (byte) 0xE9; // Latin-1 é: not UTF-8
                lines.writeBytes(notUtf8);
            }
            if (withOverlongLine && id == 600) {
                lines.writeBytes(("{\"pad\":\"" + "x".repeat(1_000_001 - 10) + "\"}\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Files.write(file, lines.toByteArray());
        return expected;
    }
}
