package io.rtpipe.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EMF lines against the structure the CloudWatch embedded metric format specification requires: a root
 * {@code _aws} object with an epoch-millisecond {@code Timestamp} and a {@code CloudWatchMetrics} array of
 * directives, each with a {@code Namespace}, {@code Dimensions} (arrays of member names, each a root string
 * member) and {@code Metrics} (objects with {@code Name} and an optional {@code Unit}, each a root number member).
 */
class EmfPublisherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-02T18:00:00.123Z");

    private static ConsumerStats.Snapshot snapshot(long consumed, long deadLetters, long late, long windows,
                                                   long writeFailures, Duration pendingAge, long behind, int shards) {
        return new ConsumerStats.Snapshot(consumed, deadLetters, late, windows, 7, shards, 11, Duration.ofSeconds(3),
                behind, writeFailures, pendingAge, 0);
    }

    @Test
    void aLineFollowsTheEmbeddedMetricFormatStructure() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var publisher = new EmfPublisher("rtpipe-consumer", "rtpipe-consumer", "worker-1",
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        publisher.publish(snapshot(100, 2, 3, 4, 1, Duration.ofMillis(2500), 900, 2), AT);

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).endsWith("\n").doesNotContain("\n\n");
        assertThat(out.strip()).doesNotContain("\n"); // one JSON object alone on one line
        JsonNode root = JSON.readTree(out);
        JsonNode aws = root.get("_aws");
        assertThat(aws.get("Timestamp").isIntegralNumber()).isTrue();
        assertThat(aws.get("Timestamp").asLong()).isEqualTo(AT.toEpochMilli());
        assertThat(aws.get("CloudWatchMetrics").isArray()).isTrue();
        assertThat(aws.get("CloudWatchMetrics")).hasSize(1);
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("rtpipe-consumer");

        List<List<String>> dimensionSets = new ArrayList<>();
        directive.get("Dimensions").forEach(set -> {
            List<String> names = new ArrayList<>();
            set.forEach(n -> names.add(n.asText()));
            dimensionSets.add(names);
        });
        assertThat(dimensionSets).containsExactly(List.of("Application"), List.of("Application", "WorkerId"));
        // The spec allows at most 30 dimensions per set; every dimension is a string member of the root.
        for (List<String> set : dimensionSets) {
            assertThat(set.size()).isBetween(1, 30);
            set.forEach(name -> assertThat(root.get(name).isTextual()).as(name).isTrue());
        }
        assertThat(root.get("Application").asText()).isEqualTo("rtpipe-consumer");
        assertThat(root.get("WorkerId").asText()).isEqualTo("worker-1");

        List<String> names = new ArrayList<>();
        directive.get("Metrics").forEach(m -> {
            names.add(m.get("Name").asText());
            assertThat(m.get("Unit").asText()).isIn("Count", "Milliseconds");
            assertThat(root.get(m.get("Name").asText()).isNumber()).as(m.get("Name").asText()).isTrue();
        });
        assertThat(names).containsExactlyInAnyOrder("RecordsProcessed", "ResultsWritten", "WriteFailures",
                "DeadLetters", "LateRecords", "OldestUncheckpointedAgeMillis", "MillisBehindLatest", "ShardsHeld");
        assertThat(names.size()).isLessThanOrEqualTo(100); // the spec's limit of metrics per directive
        assertThat(root.get("RecordsProcessed").asLong()).isEqualTo(100);
        assertThat(root.get("WriteFailures").asLong()).isEqualTo(1);
        assertThat(root.get("OldestUncheckpointedAgeMillis").asLong()).isEqualTo(2500);
        assertThat(root.get("MillisBehindLatest").asLong()).isEqualTo(900);
        assertThat(root.get("ShardsHeld").asLong()).isEqualTo(2);
    }

    @Test
    void countersAreTheIncreaseSinceThePreviousLineAndGaugesTheCurrentValue() throws Exception {
        var publisher = new EmfPublisher("ns", "app", "w", new PrintStream(new ByteArrayOutputStream()));
        publisher.line(snapshot(100, 2, 3, 4, 1, Duration.ofSeconds(9), 900, 2), AT);
        JsonNode second = JSON.readTree(publisher.line(
                snapshot(130, 2, 5, 10, 1, Duration.ZERO, 0, 1), AT.plusSeconds(60)));
        assertThat(second.get("RecordsProcessed").asLong()).isEqualTo(30);
        assertThat(second.get("DeadLetters").asLong()).isEqualTo(0);
        assertThat(second.get("LateRecords").asLong()).isEqualTo(2);
        assertThat(second.get("ResultsWritten").asLong()).isEqualTo(6);
        assertThat(second.get("WriteFailures").asLong()).isEqualTo(0);
        assertThat(second.get("OldestUncheckpointedAgeMillis").asLong()).isEqualTo(0);
        assertThat(second.get("ShardsHeld").asLong()).isEqualTo(1);
        assertThat(second.get("_aws").get("Timestamp").asLong()).isEqualTo(AT.plusSeconds(60).toEpochMilli());
    }
}
