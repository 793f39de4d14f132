package io.rtpipe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtpipe local} with a spec naming a {@code kinesis:} output: the run creates the stream on the emulator and
 * publishes every final window to it, one record per window and key (this test's own count of the cells its file
 * fills), each id once.
 */
class LocalOutputsIT {

    private static final String SPEC = """
            metrics:
              - name: orders
                group_by: [type]
                timestamp: ts
                window: {type: tumbling, size: 1m}
                aggregates: [{name: n, fn: count}]
                outputs: [{kinesis: results-out}]
            """;

    @Test
    void everyFinalWindowAndKeyReachesTheOutputStreamOnce(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("metrics.yaml"), SPEC);
        long t0 = Instant.parse("2026-02-01T07:40:00Z").toEpochMilli();
        String[] types = {"view", "click", "purchase"};
        List<String> lines = new ArrayList<>();
        Set<String> cells = new TreeSet<>();
        for (int i = 0; i < 900; i++) {
            long ts = t0 + i * 700L; // about 10 minutes, in order
            // the third type only in even minutes: not every window has every key
            String type = types[i % (((ts - t0) / 60_000) % 2 == 0 ? 3 : 2)];
            lines.add("{\"id\":\"e" + i + "\",\"ts\":" + ts + ",\"type\":\"" + type + "\"}");
            cells.add((ts / 60_000) + " " + type);
        }
        Path input = Files.write(dir.resolve("events.jsonl"), lines);

        CapturedRun run = CapturedRun.of("local", "--metrics", spec.toString(), "--input", input.toString());

        assertThat(run.exit()).as("rtpipe local exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err()).isZero();
        assertThat(run.out()).contains("Output kinesis:results-out of orders: " + cells.size()
                + " records on the stream, " + cells.size() + " distinct ids\n");
    }
}
