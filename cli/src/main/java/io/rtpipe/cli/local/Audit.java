package io.rtpipe.cli.local;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.Finality;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.s3.IntervalObjectKeys;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.cli.FailureSummary;
import io.rtpipe.cli.ResultsTable;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.MergedResultJson;
import io.rtpipe.testkit.GroundTruth;
import io.rtpipe.testkit.StreamReader;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks what the pipeline wrote (merged window results in DynamoDB; raw archive, dead letters and late records in
 * S3) against what the stream holds, read straight from Kinesis, and against the producer's acknowledgements.
 */
final class Audit {

    private static final String METRIC = MetricSpec.EVENTS_PER_MINUTE;
    private static final int MAX_PROBLEMS_SHOWN = 10;

    private final LocalRun.Produced produced;
    private final Map<StreamReader.Address, StreamReader.StoredRecord> stream;
    private final GroundTruth truth;
    /** Merged results by metric, in the spec's order. */
    private final Map<String, List<MergedResult>> results;
    /** Per metric, which of its windows every shard of the stream has fired (all of them, after the drain). */
    private final Map<String, Finality> finality;
    /** The audit's own count knows only the built-in metric: with a custom spec it checks what it can. */
    private final boolean builtInMetric;
    private final List<IntervalLines.Line> raw;
    private final List<IntervalLines.Line> deadLetters;
    private final List<IntervalLines.Line> late;

    private Audit(LocalRun.Produced produced, List<StreamReader.StoredRecord> stream,
                  Map<String, List<MergedResult>> results, Map<String, Finality> finality, boolean builtInMetric,
                  List<IntervalLines.Line> raw,
                  List<IntervalLines.Line> deadLetters, List<IntervalLines.Line> late) {
        this.produced = produced;
        this.builtInMetric = builtInMetric;
        this.stream = stream.stream().collect(Collectors.toMap(StreamReader.StoredRecord::address,
                record -> record, (a, b) -> a, HashMap::new));
        this.truth = new GroundTruth(stream);
        this.results = results;
        this.finality = finality;
        this.raw = raw;
        this.deadLetters = deadLetters;
        this.late = late.stream().filter(line -> METRIC.equals(line.metric())).toList();
    }

    static Audit run(AwsClients clients, ConsumerConfig config, boolean builtInMetric, LocalRun.Produced produced) {
        try (KinesisAsyncClient kinesis = clients.kinesisAsync();
             DynamoDbClient dynamoDb = clients.dynamoDb();
             S3Client s3 = clients.s3()) {
            ResultsQuery query = new ResultsQuery(dynamoDb, s3, config.resultsTableName());
            Map<String, List<MergedResult>> merged = new LinkedHashMap<>();
            Map<String, Finality> finality = new HashMap<>();
            List<String> shards = StreamReader.listShards(kinesis, config.streamName()).stream()
                    .map(Shard::shardId).toList();
            for (MetricSpec spec : config.engine().metrics()) {
                merged.put(spec.name(), query.merged(config.engine(), spec.name(),
                        Instant.ofEpochMilli(MetricSpec.MIN_EVENT_TIME), Instant.ofEpochMilli(MetricSpec.MAX_EVENT_TIME),
                        Map.of()));
                finality.put(spec.name(), new Finality(shards, query.firedThrough(spec.name())));
            }
            IntervalReader reader = new IntervalReader(s3, config.bucket());
            return new Audit(produced, StreamReader.readAll(kinesis, config.streamName()), merged, finality,
                    builtInMetric,
                    reader.lines(IntervalKind.RAW, config.streamName()),
                    reader.lines(IntervalKind.DEADLETTER, config.streamName()),
                    reader.lines(IntervalKind.LATE, config.streamName()));
        }
    }

    /** How many window results the export holds, over all metrics. */
    int resultCount() {
        return results.values().stream().mapToInt(List::size).sum();
    }

    void export(Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, List<MergedResult>> metric : results.entrySet()) {
                Finality metricFinality = finality.get(metric.getKey());
                MergedResultJson.writeLines(metric.getValue(), r -> metricFinality.isFinal(r.windowEnd()), out);
            }
        }
    }

    void printResults(PrintStream out) {
        PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
        writer.println();
        results.forEach((metric, metricResults) -> {
            ResultsTable.print(writer, metric, metricResults);
            writer.println();
        });
        writer.flush();
    }

    /** Prints one line per check; returns true if all passed. */
    boolean printVerdict(PrintStream out) {
        List<String> producerProblems = producerProblems();
        List<String> countProblems = builtInMetric ? countProblems() : List.of();
        List<String> archiveProblems = archiveProblems();
        List<String> deadLetterProblems = deadLetterProblems();
        List<MergedResult> counts = results.getOrDefault(METRIC, List.of());
        long counted = counts.stream().mapToLong(Audit::count).sum();
        long duplicates = stream.size() - produced.acknowledged.size();

        boolean nothingFailed = produced.failed.get() == 0;
        out.printf("Producer: %,d sent, %,d acknowledged by Kinesis, %,d failed%n", produced.sent.get(),
                produced.acked.get(), produced.failed.get());
        if (!nothingFailed) {
            out.println("Every event sent: NO - " + FailureSummary.sentence(produced.metrics) + " First failure: "
                    + produced.firstFailure());
        }
        report(out, "Stream", producerProblems, String.format("holds %,d records: every acknowledged one, plus %,d"
                + " copies from retried puts", stream.size(), Math.max(0, duplicates)));
        if (builtInMetric) {
            report(out, "Counted exactly once", countProblems, String.format("%,d events counted in %,d windows"
                    + " (%,d late records set aside); every per-type, per-minute count equals an independent count of"
                    + " the stream's valid events, copies counted once", counted, counts.size(), late.size()));
        } else {
            out.println("Counted exactly once: not checked - the audit's own count covers only the built-in "
                    + METRIC + "; compare the exported results with your own computation");
        }
        report(out, "Archived exactly once", archiveProblems, String.format(
                "all %,d records of the stream are in raw/, none twice, none unknown", raw.size()));
        report(out, "Dead letters", deadLetterProblems, String.format(
                "%,d invalid records, each in deadletter/ once with a reason", deadLetters.size())
                + (produced.unsent.isEmpty() ? "" : String.format(" (%,d of them %s too long to send, under %s/)",
                produced.unsent.size(), produced.unsent.size() == 1 ? "a line" : "lines", IntervalObjectKeys.UNSENT)));
        return nothingFailed && producerProblems.isEmpty() && countProblems.isEmpty() && archiveProblems.isEmpty()
                && deadLetterProblems.isEmpty();
    }

    private static long count(MergedResult r) {
        return ((Number) r.values().get("count")).longValue();
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

    private List<String> producerProblems() {
        return produced.acknowledged.stream().filter(address -> !stream.containsKey(address))
                .map(address -> "acknowledged record " + address + " is not in the stream").sorted().toList();
    }

    private List<String> countProblems() {
        Set<StreamReader.Address> lateAddresses = addresses(late);
        TreeMap<GroundTruth.Cell, Long> expected = truth.expectedCounts(lateAddresses);
        Map<GroundTruth.Cell, Long> actual = results.getOrDefault(METRIC, List.of()).stream().collect(Collectors.toMap(
                r -> new GroundTruth.Cell(r.key().get("type"), r.windowStart()), Audit::count));
        Set<GroundTruth.Cell> cells = new HashSet<>(expected.keySet());
        cells.addAll(actual.keySet());
        List<String> problems = new ArrayList<>();
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

    /** Every record of the stream in raw/ exactly once, with its bytes. */
    private List<String> archiveProblems() {
        return exactlyOnce(raw, stream.keySet(), "raw/", line -> {
            StreamReader.StoredRecord record = stream.get(address(line));
            return record != null && Arrays.equals(record.data(), line.data()) ? null : "archived with different bytes";
        });
    }

    /**
     * Every invalid record of the stream in deadletter/ exactly once, with a reason, and so every input line too long
     * to send, with its first bytes. With a custom spec, validity depends on its fields: then each dead letter of the
     * stream must be a record of the stream, once, with a reason.
     */
    private List<String> deadLetterProblems() {
        Map<StreamReader.Address, byte[]> unsent = new HashMap<>();
        produced.unsent.forEach(d -> unsent.put(new StreamReader.Address(IntervalObjectKeys.UNSENT,
                d.record().position().sequenceNumber(), 0), d.record().data()));
        Set<StreamReader.Address> expected = new HashSet<>(unsent.keySet());
        if (builtInMetric) {
            expected.addAll(truth.invalid());
        } else {
            deadLetters.forEach(line -> {
                if (stream.containsKey(address(line))) {
                    expected.add(address(line));
                }
            });
        }
        return exactlyOnce(deadLetters, expected, "deadletter/", line -> {
            if (line.reason() == null || line.reason().isBlank()) {
                return "dead-lettered without a reason";
            }
            byte[] head = unsent.get(address(line));
            return head == null || Arrays.equals(head, line.data()) ? null : "dead-lettered with different bytes";
        });
    }

    private static List<String> exactlyOnce(List<IntervalLines.Line> lines, Set<StreamReader.Address> expected,
                                            String prefix, Function<IntervalLines.Line, String> lineProblem) {
        List<String> problems = new ArrayList<>();
        Set<StreamReader.Address> seen = new HashSet<>();
        for (IntervalLines.Line line : lines) {
            StreamReader.Address address = address(line);
            if (!expected.contains(address)) {
                problems.add("record " + address + " should not be in " + prefix + " (" + line.key() + ")");
            } else if (!seen.add(address)) {
                problems.add("record " + address + " is in " + prefix + " more than once (" + line.key() + ")");
            } else {
                String problem = lineProblem.apply(line);
                if (problem != null) {
                    problems.add("record " + address + ": " + problem + " (" + line.key() + ")");
                }
            }
        }
        expected.stream().filter(a -> !seen.contains(a)).sorted(java.util.Comparator.comparing(Object::toString))
                .forEach(a -> problems.add("record " + a + " is missing from " + prefix));
        return problems;
    }

    private static Set<StreamReader.Address> addresses(List<IntervalLines.Line> lines) {
        Set<StreamReader.Address> addresses = new HashSet<>();
        lines.forEach(line -> addresses.add(address(line)));
        return addresses;
    }

    private static StreamReader.Address address(IntervalLines.Line line) {
        return new StreamReader.Address(line.shardId(), line.sequenceNumber(), line.subSequenceNumber());
    }
}
