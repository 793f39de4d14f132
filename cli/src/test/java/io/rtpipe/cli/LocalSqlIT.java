package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtpipe local --metrics app.sql --input F --export G} on the emulators gives the results of the equivalent
 * YAML spec run the same way over the same hostile file (LocalDuplicatesIT's: copies, disorder, late events,
 * malformed lines), and both equal this test's own count of the file.
 */
class LocalSqlIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSqlSpecRunsLocallyExactlyAsItsYamlTwin(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("events.jsonl");
        Map<String, long[]> expected = LocalDuplicatesIT.writeInput(input, new Random(12));
        List<String> fromSql = runLocal(Files.writeString(dir.resolve("app.sql"), SqlSpecCommandsTest.SQL), input,
                dir.resolve("sql-results.jsonl"));
        List<String> fromYaml = runLocal(Files.writeString(dir.resolve("app.yaml"), SqlSpecCommandsTest.YAML), input,
                dir.resolve("yaml-results.jsonl"));

        assertThat(fromSql).isEqualTo(fromYaml);
        Map<String, long[]> exported = new HashMap<>();
        for (String line : fromSql) {
            JsonNode result = JSON.readTree(line);
            if (result.get("metric").asText().equals("events_by_type")) {
                exported.put(result.get("key").get("type").asText() + "@" + result.get("window_start").asText(),
                        new long[] {result.get("values").get("events").asLong(),
                                result.get("values").get("amount").asLong()});
            }
        }
        assertThat(exported.keySet()).isEqualTo(expected.keySet());
        expected.forEach((cell, want) -> assertThat(exported.get(cell)).as(cell).containsExactly(want));
        assertThat(fromSql).anyMatch(line -> line.contains("\"metric\":\"big_purchases\""));
    }

    private static List<String> runLocal(Path spec, Path input, Path export) throws IOException {
        int exit = Main.commandLine().execute("local", "--shards", "2", "--metrics", spec.toString(),
                "--input", input.toString(), "--export", export.toString());
        assertThat(exit).as("rtpipe local --metrics %s exit code (0 only if its own audit passed)", spec).isZero();
        return Files.readAllLines(export, StandardCharsets.UTF_8);
    }
}
