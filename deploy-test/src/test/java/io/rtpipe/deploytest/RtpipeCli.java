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
        Map<String, Long> counts = new TreeMap<>();
        query(null, "events_per_minute", resultsTable, from, to).forEach(row -> counts.put(
                KnownEvents.key(row.path("window_start").asText(), row.path("key").path("type").asText()),
                row.path("values").path("count").asLong()));
        return counts;
    }

    /**
     * {@code rtpipe query amount_by_region --metrics SPEC --format json} over [from, to): the amount and count per
     * window start and region, as {@link KnownEvents#amountValues}.
     */
    Map<String, String> amountsByRegion(Path spec, String resultsTable, Instant from, Instant to) {
        Map<String, String> values = new TreeMap<>();
        query(spec, "amount_by_region", resultsTable, from, to).forEach(row -> values.put(
                KnownEvents.key(row.path("window_start").asText(), row.path("key").path("region").asText()),
                // A sum may print as a decimal: compared by value.
                KnownEvents.amountValues(row.path("values").path("amount").decimalValue().longValueExact(),
                        row.path("values").path("orders").asLong())));
        return values;
    }

    /** {@code rtpipe query METRIC --format json} (the stream from the environment's RTPIPE_STREAM_NAME): the rows. */
    private List<JsonNode> query(Path spec, String metric, String resultsTable, Instant from, Instant to) {
        // --partial: these tests wait for the values to become durable; which windows are final is QueryFinalityIT's.
        List<String> args = new ArrayList<>(List.of("query", metric, "--format", "json", "--partial",
                "--from", from.toString(), "--to", to.toString()));
        if (spec != null) {
            args.addAll(List.of("--metrics", spec.toString()));
        }
        if (resultsTable != null) {
            args.addAll(List.of("--results-table", resultsTable));
        }
        JavaProcess.Result result = run("", args.toArray(String[]::new));
        if (result.exit() != 0) {
            throw new AssertionError("rtpipe " + String.join(" ", args) + " exited with " + result.exit() + ": "
                    + result.stderr());
        }
        List<JsonNode> rows = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                rows.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException("rtpipe query printed a line that is not JSON: " + line, e);
            }
        }
        return rows;
    }

    private JavaProcess.Result run(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return JavaProcess.run(command, env, stdin, logDir, args[0] + "-" + (++runs));
    }
}
