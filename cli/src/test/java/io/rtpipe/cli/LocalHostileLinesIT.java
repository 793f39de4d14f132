package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * integer event ids de-duplicate like string ones, and a line too long for a Kinesis record is a dead letter with its
 * line number (it once failed the run), never a silent drop. Expected counts are this test's own count of the file.
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
        assertThat(exportedCounts(export)).isEqualTo(expected);
    }

    /** The exported count per "type@window start". */
    private static Map<String, Long> exportedCounts(Path export) throws IOException {
        Map<String, Long> exported = new HashMap<>();
        for (String line : Files.readAllLines(export, StandardCharsets.UTF_8)) {
            JsonNode result = JSON.readTree(line);
            exported.put(result.get("key").get("type").asText() + "@" + result.get("window_start").asText(),
                    result.get("values").get("count").asLong());
        }
        return exported;
    }

    @Test
    void aLineTooLongForKinesisIsADeadLetterWithItsLineNumber(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("events.jsonl");
        Path export = dir.resolve("results.jsonl");
        Map<String, Long> expected = writeInput(input, new Random(8), true);
        byte[] bytes = Files.readAllBytes(input);
        int padAt = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("{\"pad\"");
        long padLine = 1;
        long notUtf8Lines = 0;
        for (int i = 0; i < bytes.length; i++) {
            padLine += i < padAt && bytes[i] == '\n' ? 1 : 0;
            notUtf8Lines += bytes[i] == (byte) 0xE9 ? 1 : 0;
        }
        CapturedRun run = CapturedRun.of("local", "--input", input.toString(), "--export", export.toString());

        String stdout = run.out();
        assertThat(run.exit()).as(stdout).isZero();
        assertThat(stdout).contains(String.format("Dead letters: yes - %d invalid records, each in deadletter/ once"
                + " with a reason (1 of them a line too long to send, under unsent/)", notUtf8Lines + 1));
        assertThat(run.err()).contains("1 line not sent, dead-lettered in "
                + "s3://rtpipe-local-data/deadletter/rtpipe-local-events/").contains(String.format("/unsent/%d.jsonl.gz;"
                + " the first: line %,d: 1,000,001 bytes, longer than the 1,000,000 bytes a Kinesis record holds, so it"
                + " was not sent (data holds its first 1,000,001 bytes)", padLine, padLine));
        assertThat(exportedCounts(export)).isEqualTo(expected);
        assertThat(stdout).as("the run's peak heap, from the JVM's heap pools")
                .containsPattern("\nPeak heap: [1-9][0-9,]* MB\\R");
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
