package io.rtpipe.connectors.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.consumer.testing.SharedLocalAws;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 interval sink against the S3 emulator (lives here because connectors cannot depend on the sandbox). */
class S3IntervalSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ARRIVAL = 1_714_567_890_123L; // 2024-05-01T12:51:30.123Z
    private static S3Client s3;
    private static String bucket;

    @BeforeAll
    static void setUp() {
        s3 = SharedLocalAws.clients().s3();
        bucket = SharedLocalAws.unique("sink-it");
        SharedLocalAws.get().createBucket(bucket);
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

    private static List<JsonNode> readLines(String key) throws IOException {
        byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        List<JsonNode> lines = new ArrayList<>();
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void writesRawAndDeadLetterObjectsAndARewriteOverwritesTheSameKey() throws IOException {
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
        assertThat(readLines(keys.get(0))).extracting(n -> n.get("sequence_number").asText())
                .containsExactly("100", "101", "102", "103");
        assertThat(readLines(keys.get(1))).singleElement()
                .satisfies(n -> assertThat(n.get("reason").asText()).isEqualTo("not JSON"));
    }

    @Test
    void aShorterReplayOfTheSameIntervalRemovesTheDeadLettersItNoLongerHas() throws IOException {
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
        assertThat(readLines(keys.get(0))).extracting(n -> n.get("sequence_number").asText()).containsExactly("200");
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
