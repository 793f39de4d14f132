package io.rtpipe.reliability.verify;

import io.rtpipe.testkit.GroundTruth;
import io.rtpipe.testkit.StreamReader;
import io.rtpipe.testkit.StreamReader.Address;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.core.engine.WindowResult;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compares what the workers wrote with the stream's own contents: the per-shard window partials in DynamoDB (summed
 * per cell here, not by the engine's merger), the raw archive, dead letters and late records in S3.
 */
public final class Verifier {

    private static final String METRIC = "events_per_minute";
    private static final int MAX_PROBLEMS = 20;

    private final AwsClients clients;
    private final String stream;
    private final String bucket;
    private final String resultsTable;

    public Verifier(AwsClients clients, String stream, String bucket, String resultsTable) {
        this.clients = clients;
        this.stream = stream;
        this.bucket = bucket;
        this.resultsTable = resultsTable;
    }

    /**
     * @param acknowledgedEventIds generated events Kinesis acknowledged: each must be in the stream
     * @param producedRecords      records Kinesis acknowledged (events and extra records)
     * @param deadLetterReasons    for known invalid payloads, a fragment their dead-letter reason must contain
     */
    public Verdict verify(Set<String> acknowledgedEventIds, long producedRecords,
                          Map<ByteBuffer, String> deadLetterReasons) {
        try (KinesisAsyncClient kinesis = clients.kinesisAsync();
             DynamoDbClient dynamoDb = clients.dynamoDb();
             S3Client s3 = clients.s3()) {
            GroundTruth truth = new GroundTruth(StreamReader.readAll(kinesis, stream));
            List<WindowResult> partials = new ResultsQuery(dynamoDb, s3, resultsTable).partials(METRIC,
                    Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:00Z"), Map.of());
            IntervalReader reader = new IntervalReader(s3, bucket);
            List<IntervalLines.Line> raw = reader.lines(IntervalKind.RAW, stream);
            List<IntervalLines.Line> deadLetters = reader.lines(IntervalKind.DEADLETTER, stream);
            List<IntervalLines.Line> late = reader.lines(IntervalKind.LATE, stream).stream()
                    .filter(line -> METRIC.equals(line.metric())).toList();

            Map<GroundTruth.Cell, Long> counted = new HashMap<>();
            for (WindowResult partial : partials) {
                counted.merge(new GroundTruth.Cell(partial.key().get("type"), partial.windowStart()),
                        ((Number) partial.values().get("count")).longValue(), Long::sum);
            }
            Map<GroundTruth.Cell, Long> expected = truth.expectedCounts();
            Set<GroundTruth.Cell> cells = new HashSet<>(expected.keySet());
            cells.addAll(counted.keySet());
            long lost = 0;
            long doubled = 0;
            for (GroundTruth.Cell cell : cells) {
                long diff = counted.getOrDefault(cell, 0L) - expected.getOrDefault(cell, 0L);
                if (diff > 0) {
                    doubled += diff;
                } else {
                    lost -= diff;
                }
            }

            List<String> problems = new ArrayList<>();
            Set<Object> inStream = truth.eventIds();
            acknowledgedEventIds.stream().filter(id -> !inStream.contains(id)).sorted().limit(MAX_PROBLEMS)
                    .forEach(id -> problems.add("acknowledged event " + id + " is not in the stream"));
            Map<Address, byte[]> records = truth.records();
            exactlyOnce(raw, records.keySet(), "raw/", problems, line -> {
                byte[] data = records.get(address(line));
                return Arrays.equals(data, line.data()) ? null : "archived with different bytes";
            });
            exactlyOnce(deadLetters, truth.invalid(), "deadletter/", problems, line -> {
                String reason = line.reason();
                if (reason == null || reason.isBlank()) {
                    return "dead-lettered without a reason";
                }
                String wanted = deadLetterReasons.get(ByteBuffer.wrap(records.get(address(line))));
                return wanted == null || reason.contains(wanted) ? null
                        : "dead-letter reason '" + reason + "' does not mention '" + wanted + "'";
            });
            exactlyOnce(late, truth.late(), "late/", problems, line -> null);

            long countedTotal = counted.values().stream().mapToLong(Long::longValue).sum();
            // Kinesis records as stored: the user records of one aggregate share its shard and sequence number.
            long kinesisRecords = records.keySet().stream().map(a -> a.shardId() + "/" + a.sequenceNumber())
                    .distinct().count();
            Map<ByteBuffer, Long> deadLetterPayloads = new HashMap<>();
            deadLetters.forEach(line -> deadLetterPayloads.merge(ByteBuffer.wrap(line.data()), 1L, Long::sum));
            return new Verdict(producedRecords, truth.copies(), countedTotal, lost, doubled, deadLetters.size(),
                    late.size(), records.size(), kinesisRecords, List.copyOf(problems), Map.copyOf(deadLetterPayloads));
        }
    }

    private static void exactlyOnce(List<IntervalLines.Line> lines, Set<Address> expected, String prefix,
                                    List<String> problems, Function<IntervalLines.Line, String> lineProblem) {
        List<String> found = new ArrayList<>();
        Set<Address> seen = new HashSet<>();
        for (IntervalLines.Line line : lines) {
            Address address = address(line);
            if (!expected.contains(address)) {
                found.add("record " + address + " should not be in " + prefix + " (" + line.key() + ")");
            } else if (!seen.add(address)) {
                found.add("record " + address + " is in " + prefix + " more than once (" + line.key() + ")");
            } else {
                String problem = lineProblem.apply(line);
                if (problem != null) {
                    found.add("record " + address + ": " + problem + " (" + line.key() + ")");
                }
            }
        }
        expected.stream().filter(a -> !seen.contains(a)).map(Object::toString).sorted()
                .forEach(a -> found.add("record " + a + " is missing from " + prefix));
        found.stream().limit(MAX_PROBLEMS).forEach(problems::add);
        if (found.size() > MAX_PROBLEMS) {
            problems.add("... and " + (found.size() - MAX_PROBLEMS) + " more problems with " + prefix);
        }
    }

    private static Address address(IntervalLines.Line line) {
        return new Address(line.shardId(), line.sequenceNumber(), line.subSequenceNumber());
    }
}
