package io.rtpipe.consumer;

import io.rtpipe.connectors.dynamodb.ProgressStore;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.dynamodb.ResultsSink;
import io.rtpipe.connectors.dynamodb.ResultsTable;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.connectors.s3.S3IntervalSink;
import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.Checkpointer;
import io.rtpipe.core.task.FencedException;
import io.rtpipe.core.task.ShardTask;
import io.rtpipe.core.task.TaskListener;
import io.rtpipe.core.task.TaskPorts;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two task instances on one shard against the emulators' S3 and DynamoDB: worker A loses its lease unawares and
 * goes on processing and checkpointing while worker B owns the shard. Every write of A's after B's claim must be
 * refused (and A stop), so every record is archived exactly once and the results equal counts made from the events.
 */
@ExtendWith(SandboxExtension.class)
class ZombieFencingIT {

    private static final String SHARD = "shardId-000000000000";
    private static final String STREAM = "zombie-stream";
    private static final long T0 = 1_764_133_200_000L; // 2025-11-26T05:00:00Z
    private static final String[] TYPES = {"click", "view", "buy"};

    /** KCL's checkpoint of the shard: it refuses a worker whose lease was taken (as KCL's lease counter does). */
    private static final class Kcl {
        RecordPosition position;
        boolean shardEnd;
        String leaseHolder;

        Checkpointer of(String worker) {
            return new Checkpointer() {
                @Override
                public boolean checkpoint(RecordPosition at) {
                    if (!worker.equals(leaseHolder)) {
                        return false;
                    }
                    position = at;
                    return true;
                }

                @Override
                public boolean checkpointShardEnd() {
                    shardEnd = worker.equals(leaseHolder);
                    return shardEnd;
                }
            };
        }
    }

    private static final class Refusals implements TaskListener {
        final List<String> messages = new ArrayList<>();

        @Override
        public void fenced(FencedException cause) {
            messages.add(cause.getMessage());
        }
    }

    @Test
    void aZombiesWritesAreRefusedAndNothingIsArchivedTwice(LocalAws aws) {
        var s3 = aws.clients().s3();
        var dynamoDb = aws.clients().dynamoDb();
        String bucket = unique("zombie");
        aws.createBucket(bucket);
        String progressTable = unique("progress");
        String resultsTable = unique("results");
        ProgressStore.createTableIfMissing(dynamoDb, progressTable);
        ResultsTable.createIfMissing(dynamoDb, resultsTable);
        var progress = new ProgressStore(dynamoDb, progressTable, "app", STREAM);
        var ports = new TaskPorts(new S3IntervalSink(s3, bucket, STREAM, RetryPolicy.defaults()),
                new ResultsSink(dynamoDb, resultsTable, RetryPolicy.defaults(), Duration.ofDays(1),
                        new S3Writes(s3, bucket, RetryPolicy.defaults()), EngineConfig.defaults()), progress, progress);
        EngineConfig config = EngineConfig.defaults();

        List<InputRecord> stream = new ArrayList<>();
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            long ts = T0 + i * 1_500L;
            String type = TYPES[i % TYPES.length];
            String payload = "{\"event_id\":\"e" + i + "\",\"ts\":" + ts + ",\"type\":\"" + type + "\"}";
            stream.add(new InputRecord(RecordPosition.of(String.format("%021d", i + 1)), "pk" + i, ts,
                    payload.getBytes(StandardCharsets.UTF_8)));
            expected.merge(Instant.ofEpochMilli(ts - Math.floorMod(ts, 60_000)) + "/" + type, 1L, Long::sum);
        }

        Kcl kcl = new Kcl();
        kcl.leaseHolder = "worker-a";
        Refusals zombieReports = new Refusals();
        ShardTask a = ShardTask.start(config, SHARD, "worker-a", null, ports, zombieReports);
        a.process(stream.subList(0, 100));
        assertThat(a.checkpoint(kcl.of("worker-a"), false)).isTrue();

        // A's lease expires (a long pause); B takes the shard over from KCL's checkpoint.
        kcl.leaseHolder = "worker-b";
        ShardTask b = ShardTask.start(config, SHARD, "worker-b", kcl.position, ports, new Refusals());
        RecordPosition handedOver = kcl.position;
        b.process(stream.subList(0, 200).stream().filter(r -> r.position().compareTo(handedOver) > 0).toList());
        assertThat(b.checkpoint(kcl.of("worker-b"), false)).isTrue();

        // A wakes up unaware, reads on and tries to write: refused before it writes anything.
        a.process(stream.subList(100, 300));
        boolean zombieWroteResults = a.writeFiredResults();
        boolean zombieCheckpointed = a.checkpoint(kcl.of("worker-a"), false);

        b.process(stream.subList(200, 300));
        b.endOfInput();
        assertThat(b.checkpoint(kcl.of("worker-b"), true)).isTrue();
        assertThat(kcl.shardEnd).isTrue();

        List<String> archived = new IntervalReader(s3, bucket).lines(IntervalKind.RAW, STREAM).stream()
                .map(IntervalLines.Line::sequenceNumber).toList();
        assertThat(archived).as("every record archived exactly once, in order")
                .containsExactlyElementsOf(stream.stream().map(r -> r.position().sequenceNumber()).toList());
        Map<String, Long> counted = new TreeMap<>();
        for (WindowResult partial : new ResultsQuery(dynamoDb, s3, resultsTable).partials(MetricSpec.EVENTS_PER_MINUTE,
                Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0).plusSeconds(3600), Map.of())) {
            counted.merge(partial.windowStart() + "/" + partial.key().get("type"),
                    ((Number) partial.values().get("count")).longValue(), Long::sum);
        }
        assertThat(counted).isEqualTo(expected);
        assertThat(zombieWroteResults).isFalse();
        assertThat(zombieCheckpointed).isFalse();
        assertThat(a.isFenced()).isTrue();
        assertThat(zombieReports.messages).singleElement().asString()
                .isEqualTo("shard " + SHARD + " is owned by epoch 2 (worker-b), not by epoch 1: this worker lost the "
                        + "shard");
    }
}
