package io.rtpipe.deploytest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code rtpipe produce} and {@code rtpipe query} from the cli jar, as a user runs them against a deployment. */
final class RtpipeCli {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar;
    private final Map<String, String> env;
    private final Path logDir;
    private int runs;

    /** @param env the AWS environment of the user's shell (here: the emulators' endpoints and test credentials) */
    RtpipeCli(Path jar, Map<String, String> env, Path logDir) {
        this.jar = jar;
        this.env = Map.copyOf(env);
        this.logDir = logDir;
    }

    /** Sends {@code lines} (one event each) from stdin, partitioned by event id; fails unless all were acknowledged. */
    void produce(String stream, String lines) {
        JavaProcess.Result result = run(lines, "produce", "--stream", stream, "--source", "stdin",
                "--partition-key-field", "event_id");
        if (result.exit() != 0) {
            throw new AssertionError("rtpipe produce --stream " + stream + " exited with " + result.exit() + ": "
                    + result.stderr());
        }
    }

    /**
     * {@code rtpipe query events_per_minute --format json} over [from, to): count per window start and type.
     *
     * @param resultsTable null to leave the table to the query's default, as a user of the default deployment does
     */
    Map<String, Long> countsPerMinute(String resultsTable, Instant from, Instant to) {
        List<String> args = new ArrayList<>(List.of("query", "events_per_minute", "--format", "json",
                "--from", from.toString(), "--to", to.toString()));
        if (resultsTable != null) {
            args.addAll(List.of("--results-table", resultsTable));
        }
        JavaProcess.Result result = run("", args.toArray(String[]::new));
        if (result.exit() != 0) {
            throw new AssertionError("rtpipe " + String.join(" ", args) + " exited with " + result.exit() + ": "
                    + result.stderr());
        }
        Map<String, Long> counts = new TreeMap<>();
        for (String line : result.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode row = JSON.readTree(line);
                counts.put(KnownEvents.key(row.path("window_start").asText(), row.path("key").path("type").asText()),
                        row.path("values").path("count").asLong());
            } catch (IOException e) {
                throw new UncheckedIOException("rtpipe query printed a line that is not JSON: " + line, e);
            }
        }
        return counts;
    }

    private JavaProcess.Result run(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return JavaProcess.run(command, env, stdin, logDir, args[0] + "-" + (++runs));
    }
}
