package io.rtpipe.cli.local;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.MergedResultJson;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads what the pipeline wrote (merged window results from DynamoDB; raw archive, dead letters and late records from
 * S3) and checks it against what the producer side recorded while producing.
 */
final class Audit {

    private static final String METRIC = MetricSpec.EVENTS_PER_MINUTE;
    private static final int MAX_PROBLEMS_SHOWN = 10;

    private final LocalRun.Produced produced;
    private final List<MergedResult> results;
    private final List<IntervalReader.Line> raw;
    private final List<IntervalReader.Line> deadLetters;
    private final List<IntervalReader.Line> late;

    private Audit(LocalRun.Produced produced, List<MergedResult> results, List<IntervalReader.Line> raw,
                  List<IntervalReader.Line> deadLetters, List<IntervalReader.Line> late) {
        this.produced = produced;
        this.results = results;
        this.raw = raw;
        this.deadLetters = deadLetters;
        this.late = late;
    }

    static Audit run(AwsClients clients, ConsumerConfig config, LocalRun.Produced produced) {
        try (DynamoDbClient dynamoDb = clients.dynamoDb(); S3Client s3 = clients.s3()) {
            List<MergedResult> merged = new ResultsQuery(dynamoDb, config.resultsTableName()).merged(config.engine(),
                    METRIC, Instant.ofEpochMilli(MetricSpec.MIN_EVENT_TIME),
                    Instant.ofEpochMilli(MetricSpec.MAX_EVENT_TIME), Map.of());
            IntervalReader reader = new IntervalReader(s3, config.bucket());
            return new Audit(produced, merged,
                    reader.lines(IntervalKind.RAW, config.streamName()),
                    reader.lines(IntervalKind.DEADLETTER, config.streamName()),
                    reader.lines(IntervalKind.LATE, config.streamName()));
        }
    }

    List<MergedResult> results() {
        return results;
    }

    void export(Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            MergedResultJson.writeLines(results, out);
        }
    }

    void printResults(PrintStream out) {
        out.println();
        out.println("Results: " + METRIC + " (count of events per type per minute, merged over shards)");
        out.printf("  %-20s  %-20s  %-12s  %10s%n", "window start", "window end", "type", "count");
        for (MergedResult r : results) {
            out.printf("  %-20s  %-20s  %-12s  %,10d%n", r.windowStart(), r.windowEnd(),
                    r.key().getOrDefault("type", "?"), ((Number) r.values().get("count")).longValue());
        }
        out.println();
    }

    /** Prints one line per check; returns true if all passed. */
    boolean printVerdict(PrintStream out) {
        List<String> countProblems = countProblems();
        List<String> archiveProblems = archiveProblems();
        List<String> deadLetterProblems = deadLetterProblems();
        long valid = produced.truth.valid();
        long counted = results.stream().mapToLong(r -> ((Number) r.values().get("count")).longValue()).sum();

        out.printf("Producer: %,d sent, %,d acknowledged by Kinesis, %,d failed%s%n", produced.sent.get(),
                produced.acked.get(), produced.failed.get(),
                produced.failed.get() == 0 ? "" : " (first: " + produced.firstFailure() + ")");
        report(out, "Counted exactly once", countProblems, String.format(
                "%,d valid events: %,d counted in %,d windows, %,d late (in late/); every per-type, per-minute count"
                        + " equals the producer's own count", valid, counted, results.size(), late.size()));
        report(out, "Archived exactly once", archiveProblems, String.format(
                "%,d of %,d acknowledged records in raw/, none twice, none unknown", raw.size(),
                produced.stored.all().size()));
        report(out, "Dead letters", deadLetterProblems, String.format(
                "%,d invalid events, each in deadletter/ once with a reason", deadLetters.size()));
        return countProblems.isEmpty() && archiveProblems.isEmpty() && deadLetterProblems.isEmpty();
    }

    private static void report(PrintStream out, String check, List<String> problems, String success) {
        if (problems.isEmpty()) {
            out.println(check + ": yes - " + success);
            return;
        }
        out.println(check + ": NO - " + problems.size() + " problem(s):");
        problems.stream().limit(MAX_PROBLEMS_SHOWN).forEach(p -> out.println("  " + p));
        if (problems.size() > MAX_PROBLEMS_SHOWN) {
            out.println("  ... and " + (problems.size() - MAX_PROBLEMS_SHOWN) + " more");
        }
    }

    /** Expected counts (the producer's, less the events the pipeline reported late) against the merged results. */
    private List<String> countProblems() {
        TreeMap<GroundTruth.Cell, Long> expected = new TreeMap<>(produced.truth.counts().byCell());
        for (IntervalReader.Line line : late) {
            if (METRIC.equals(line.json().path("metric").asText())) {
                GroundTruth.Cell cell = GroundTruth.cellOf(line.data());
                if (cell != null) {
                    expected.merge(cell, -1L, Long::sum);
                }
            }
        }
        Map<GroundTruth.Cell, Long> actual = new HashMap<>();
        for (MergedResult r : results) {
            actual.put(new GroundTruth.Cell(r.key().get("type"), r.windowStart()),
                    ((Number) r.values().get("count")).longValue());
        }
        List<String> problems = new ArrayList<>();
        Set<GroundTruth.Cell> cells = new HashSet<>(expected.keySet());
        cells.addAll(actual.keySet());
        cells.stream().sorted().forEach(cell -> {
            long want = expected.getOrDefault(cell, 0L);
            long got = actual.getOrDefault(cell, 0L);
            if (want != got) {
                problems.add(String.format("type %s, window %s: expected %,d, counted %,d", cell.type(),
                        cell.windowStart(), want, got));
            }
        });
        return problems;
    }

    private List<String> archiveProblems() {
        Map<StoredRecords.Address, byte[]> stored = produced.stored.all();
        Set<StoredRecords.Address> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (IntervalReader.Line line : raw) {
            StoredRecords.Address address = new StoredRecords.Address(line.shardId(), line.sequenceNumber());
            byte[] data = stored.get(address);
            if (data == null) {
                problems.add("archived record " + address + " was never acknowledged to the producer (" + line.key() + ")");
            } else if (!seen.add(address)) {
                problems.add("record " + address + " archived more than once (again in " + line.key() + ")");
            } else if (!Arrays.equals(data, line.data())) {
                problems.add("record " + address + " archived with different bytes (" + line.key() + ")");
            }
        }
        stored.keySet().stream().filter(a -> !seen.contains(a))
                .forEach(a -> problems.add("record " + a + " is missing from the archive"));
        return problems;
    }

    private List<String> deadLetterProblems() {
        Set<StoredRecords.Address> expected = new HashSet<>();
        produced.stored.all().forEach((address, data) -> {
            if (GroundTruth.cellOf(data) == null) {
                expected.add(address);
            }
        });
        List<String> problems = new ArrayList<>();
        Set<StoredRecords.Address> seen = new HashSet<>();
        for (IntervalReader.Line line : deadLetters) {
            StoredRecords.Address address = new StoredRecords.Address(line.shardId(), line.sequenceNumber());
            if (!expected.contains(address)) {
                problems.add("record " + address + " was dead-lettered but is valid (reason: "
                        + line.json().path("reason").asText() + ")");
            } else if (!seen.add(address)) {
                problems.add("record " + address + " dead-lettered more than once");
            } else if (line.json().path("reason").asText().isBlank()) {
                problems.add("record " + address + " was dead-lettered without a reason");
            }
        }
        expected.stream().filter(a -> !seen.contains(a))
                .forEach(a -> problems.add("invalid record " + a + " is missing from deadletter/"));
        return problems;
    }
}
