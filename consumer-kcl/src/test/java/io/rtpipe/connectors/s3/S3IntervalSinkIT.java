package io.rtpipe.connectors.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.contract.ArchiveColumns;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3 interval sink against the sandbox's S3 (S3Mock by default), read back with {@link IntervalReader} (lives here
 * because connectors cannot depend on the sandbox).
 */
@ExtendWith(SandboxExtension.class)
class S3IntervalSinkIT {

    private static final long ARRIVAL = 1_714_567_890_123L; // 2024-05-01T12:51:30.123Z
    private static S3Client s3;
    private static String bucket;
    private static IntervalReader reader;

    @BeforeAll
    static void setUp(LocalAws aws) {
        s3 = aws.clients().s3();
        bucket = unique("sink-it");
        aws.createBucket(bucket);
        reader = new IntervalReader(s3, bucket);
    }

    @AfterAll
    static void tearDown() {
        s3.close();
    }

    private static InputRecord record(long seq, String data) {
        return new InputRecord(RecordPosition.of(Long.toString(seq)), "pk", ARRIVAL + seq, data.getBytes(StandardCharsets.UTF_8));
    }

    private static CheckpointPlan plan(List<InputRecord> archive, List<DeadLetter> deadLetters) {
        return new CheckpointPlan(archive.get(0).position(), archive.get(archive.size() - 1).position(), archive,
                deadLetters, List.of(), new ShardProgress(archive.get(archive.size() - 1).position(), Map.of(), Map.of()));
    }

    @Test
    void writesRawAndDeadLetterObjectsAndARewriteOverwritesTheSameKey() {
        var sink = new S3IntervalSink(s3, bucket, "orders", RetryPolicy.defaults());
        List<InputRecord> archive = List.of(record(100, "{\"type\":\"a\"}"), record(101, "{bad"), record(102, "{}"));

        List<String> keys = sink.write("shardId-000000000000", plan(archive, List.of(new DeadLetter(archive.get(1), "not JSON"))));
        // A replay with a longer interval from the same first record overwrites, never adds.
        List<InputRecord> longer = new ArrayList<>(archive);
        longer.add(record(103, "{\"type\":\"b\"}"));
        List<String> again = sink.write("shardId-000000000000", plan(longer, List.of(new DeadLetter(archive.get(1), "not JSON"))));

        assertThat(keys).containsExactly(
                "raw/orders/dt=2024-05-01/hr=12/shardId-000000000000/100.jsonl.gz",
                "deadletter/orders/dt=2024-05-01/hr=12/shardId-000000000000/100.jsonl.gz");
        assertThat(again).isEqualTo(keys);
        List<S3Object> objects = s3.listObjectsV2(b -> b.bucket(bucket)).contents();
        assertThat(objects).extracting(S3Object::key).filteredOn(key -> key.contains("/orders/"))
                .containsExactlyInAnyOrderElementsOf(keys);
        assertThat(reader.object(keys.get(0))).extracting(IntervalLines.Line::sequenceNumber)
                .containsExactly("100", "101", "102", "103");
        assertThat(reader.object(keys.get(1))).singleElement()
                .satisfies(line -> assertThat(line.reason()).isEqualTo("not JSON"));
    }

    /**
     * What Athena's tables will read: each object the sink wrote, parsed with plain Jackson (not the codec), has on
     * every line exactly contract's columns for its prefix with their declared JSON types, the metadata of the record
     * it came from, and the record itself: as an object equal to the event's JSON, or as base64 of its bytes.
     */
    @Test
    void everyLineHoldsExactlyTheDeclaredColumnsWithTheirTypes() throws IOException {
        var sink = new S3IntervalSink(s3, bucket, "athena", RetryPolicy.defaults());
        String shard = "shardId-000000000004";
        List<InputRecord> archive = List.of(
                record(300, "{\"event_id\":\"e-1\",\"type\":\"click\",\"geo\":{\"country\":\"FR\"},\"ts\":1}"),
                new InputRecord(new RecordPosition("301", 2), "pk-aggregated", ARRIVAL + 301,
                        "{ \"type\" : \"view\", \"amount\": 2.50 }".getBytes(StandardCharsets.UTF_8)),
                record(302, "type=view,not json"),
                new InputRecord(RecordPosition.of("303"), "pk", ARRIVAL + 303, new byte[]{(byte) 0xFF, 0, 10}),
                record(304, "{\"type\":\"late\",\"ts\":0}"));
        List<DeadLetter> dead = List.of(new DeadLetter(archive.get(2), "not valid JSON"),
                new DeadLetter(archive.get(3), "not UTF-8"));
        List<LateRecord> late = List.of(new LateRecord(archive.get(4), "events_per_minute",
                Instant.parse("2024-05-01T12:50:00Z")));
        List<String> keys = sink.write(shard, new CheckpointPlan(archive.get(0).position(),
                archive.get(4).position(), archive, dead, late,
                new ShardProgress(archive.get(4).position(), Map.of(), Map.of())));
        assertThat(keys).hasSize(3);

        List<JsonNode> raw = plainJsonLines(keys.get(0));
        List<JsonNode> deadLines = plainJsonLines(keys.get(1));
        List<JsonNode> lateLines = plainJsonLines(keys.get(2));
        assertThat(raw).hasSize(archive.size());
        for (int i = 0; i < archive.size(); i++) {
            assertLine(raw.get(i), ArchiveColumns.RAW, shard, archive.get(i));
        }
        assertThat(raw).extracting(line -> line.get("encoding").asText())
                .containsExactly("json", "json", "base64", "base64", "json");
        for (int i = 0; i < dead.size(); i++) {
            assertLine(deadLines.get(i), ArchiveColumns.DEADLETTER, shard, dead.get(i).record());
            assertThat(deadLines.get(i).get("reason").asText()).isEqualTo(dead.get(i).reason());
        }
        assertLine(lateLines.get(0), ArchiveColumns.LATE, shard, archive.get(4));
        assertThat(lateLines.get(0).get("metric").asText()).isEqualTo("events_per_minute");
        assertThat(lateLines.get(0).get("window_start").asText()).isEqualTo("2024-05-01T12:50:00Z");
    }

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private static List<JsonNode> plainJsonLines(String key) throws IOException {
        byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        String text;
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(PLAIN.readTree(line));
        }
        return lines;
    }

    private static void assertLine(JsonNode line, List<ArchiveColumns.Column> declared, String shard,
                                   InputRecord record) throws IOException {
        Set<String> keys = new HashSet<>();
        line.fieldNames().forEachRemaining(keys::add);
        boolean asEvent = line.has("event");
        Set<String> expected = new HashSet<>();
        declared.forEach(c -> expected.add(c.name()));
        expected.remove(asEvent ? "data" : "event");
        assertThat(keys).as(line.toString()).isEqualTo(expected);
        for (ArchiveColumns.Column column : declared) {
            JsonNode value = line.get(column.name());
            if (value == null) {
                continue;
            }
            switch (column.type()) {
                case STRING -> assertThat(value.isTextual()).as(column.name() + " in " + line).isTrue();
                case BIGINT -> assertThat(value.isIntegralNumber()).as(column.name() + " in " + line).isTrue();
                case JSON_OBJECT -> assertThat(value.isObject()).as(column.name() + " in " + line).isTrue();
            }
        }
        assertThat(line.get("shard").asText()).isEqualTo(shard);
        assertThat(line.get("sequence").asText()).isEqualTo(record.position().sequenceNumber());
        assertThat(line.get("sub_sequence").asLong()).isEqualTo(record.position().subSequenceNumber());
        assertThat(line.get("partition_key").asText()).isEqualTo(record.partitionKey());
        assertThat(Instant.parse(line.get("arrival").asText())).isEqualTo(Instant.ofEpochMilli(record.arrivalMillis()));
        if (asEvent) {
            assertThat(line.get("encoding").asText()).isEqualTo("json");
            assertThat(line.get("event")).isEqualTo(PLAIN.readTree(record.data()));
        } else {
            assertThat(line.get("encoding").asText()).isEqualTo("base64");
            assertThat(Base64.getDecoder().decode(line.get("data").asText())).isEqualTo(record.data());
        }
    }

    @Test
    void aShorterReplayOfTheSameIntervalRemovesTheDeadLettersItNoLongerHas() {
        // Before a crash the interval ran to 201 and held a dead letter; the replay after the restart plans a
        // shorter interval from the same first record, whose dead letter now belongs to the next interval.
        var sink = new S3IntervalSink(s3, bucket, "replays", RetryPolicy.defaults());
        List<InputRecord> beforeCrash = List.of(record(200, "{\"type\":\"a\"}"), record(201, "{bad"));
        List<String> keys = sink.write("shard-9", plan(beforeCrash, List.of(new DeadLetter(beforeCrash.get(1), "not JSON"))));
        assertThat(keys).hasSize(2);

        List<String> replayed = sink.write("shard-9", plan(beforeCrash.subList(0, 1), List.of()));

        assertThat(replayed).containsExactly(keys.get(0));
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).extracting(S3Object::key)
                .filteredOn(key -> key.contains("/replays/"))
                .containsExactly(keys.get(0));
        assertThat(reader.object(keys.get(0))).extracting(IntervalLines.Line::sequenceNumber).containsExactly("200");
    }

    @Test
    void failsAtOnceWithAClearExceptionWhenTheBucketDoesNotExist() {
        // Outages (retried, then failing) are covered end to end by SinkOutageIT, which stops the S3 emulator.
        var sink = new S3IntervalSink(s3, bucket + "-missing", "orders", RetryPolicy.defaults());
        long started = System.nanoTime();

        assertThatThrownBy(() -> sink.write("shard-1", plan(List.of(record(7, "x")), List.of())))
                .isInstanceOf(SinkWriteException.class)
                .hasMessageContaining("s3://" + bucket + "-missing/raw/orders/")
                .hasMessageContaining("after 1 attempt(s)");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
