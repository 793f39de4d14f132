package io.rtpipe.connectors.s3;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.task.IntervalPort;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes the S3 objects of a {@link CheckpointPlan}'s interval: the raw archive, the dead letters and the late
 * records, each under {@link IntervalObjectKeys} keyed by the interval's first record. A kind without lines has its
 * key deleted rather than skipped: after a restart the replayed interval can be shorter than one written before the
 * crash under the same key, and a stale longer object would hold records the next interval writes again. Each put is retried per the {@link RetryPolicy}; when one finally fails the call throws
 * {@link SinkWriteException} and the caller must not checkpoint. Rewriting an interval overwrites the same keys.
 */
public final class S3IntervalSink implements IntervalPort {

    private final S3Writes writes;
    private final String stream;

    /** @param stream the Kinesis stream name, the second key segment */
    public S3IntervalSink(S3Client s3, String bucket, String stream, RetryPolicy retry) {
        this.writes = new S3Writes(s3, bucket, retry);
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /**
     * Writes the plan's objects for {@code shardId}.
     *
     * @return the keys written, in order raw, dead letters, late records (only those with lines)
     * @throws SinkWriteException when a put or delete still fails after retries
     */
    @Override
    public List<String> write(String shardId, CheckpointPlan plan) {
        List<InputRecord> archive = plan.archive();
        if (archive.isEmpty()) {
            return List.of();
        }
        InputRecord first = archive.get(0);
        if (!first.position().equals(plan.firstPosition())) {
            throw new IllegalArgumentException("plan's archive starts at " + first.position()
                    + " but its first position is " + plan.firstPosition());
        }
        Instant arrival = Instant.ofEpochMilli(first.arrivalMillis());
        List<String> written = new ArrayList<>(3);
        String rawKey = key(IntervalKind.RAW, shardId, plan, arrival);
        put(rawKey, IntervalLines.raw(shardId, archive));
        written.add(rawKey);
        String deadLetterKey = key(IntervalKind.DEADLETTER, shardId, plan, arrival);
        if (plan.deadLetters().isEmpty()) {
            delete(deadLetterKey);
        } else {
            put(deadLetterKey, IntervalLines.deadLetters(shardId, plan.deadLetters()));
            written.add(deadLetterKey);
        }
        String lateKey = key(IntervalKind.LATE, shardId, plan, arrival);
        if (plan.lateRecords().isEmpty()) {
            delete(lateKey);
        } else {
            put(lateKey, IntervalLines.lateRecords(shardId, plan.lateRecords()));
            written.add(lateKey);
        }
        return written;
    }

    /**
     * Writes the dead letters of input lines the producer could not send (longer than a Kinesis record), which no
     * shard holds: one object under the {@link IntervalObjectKeys#UNSENT} shard segment, keyed by its first line, in
     * the dead-letter format; each record's sequence number is its line number in the input.
     *
     * @return the key written, or empty if there was nothing to write
     * @throws SinkWriteException when the put still fails after retries
     */
    public List<String> writeUnsent(List<DeadLetter> lines) {
        if (lines.isEmpty()) {
            return List.of();
        }
        InputRecord first = lines.get(0).record();
        String key = IntervalObjectKeys.key(IntervalKind.DEADLETTER, stream, IntervalObjectKeys.UNSENT,
                first.position(), Instant.ofEpochMilli(first.arrivalMillis()));
        put(key, IntervalLines.deadLetters(IntervalObjectKeys.UNSENT, lines));
        return List.of(key);
    }

    private String key(IntervalKind kind, String shardId, CheckpointPlan plan, Instant arrival) {
        return IntervalObjectKeys.key(kind, stream, shardId, plan.firstPosition(), arrival);
    }

    private void put(String key, byte[] body) {
        writes.put(key, body, "application/gzip");
    }

    private void delete(String key) {
        writes.delete(key);
    }
}
