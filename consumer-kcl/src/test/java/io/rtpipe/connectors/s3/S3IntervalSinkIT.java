package io.rtpipe.connectors.s3;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
