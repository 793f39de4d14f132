package io.rtpipe.connectors.s3;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.record.InputRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes the S3 objects of a {@link CheckpointPlan}'s interval: the raw archive, the dead letters and the late
 * records, each under {@link IntervalObjectKeys} keyed by the interval's first record. Objects without lines are not
 * written. Each put is retried per the {@link RetryPolicy}; when one finally fails the call throws
 * {@link SinkWriteException} and the caller must not checkpoint. Rewriting an interval overwrites the same keys.
 */
public final class S3IntervalSink {

    private static final Logger LOG = LoggerFactory.getLogger(S3IntervalSink.class);

    private final S3Client s3;
    private final String bucket;
    private final String stream;
    private final RetryPolicy retry;

    /** @param stream the Kinesis stream name, the second key segment */
    public S3IntervalSink(S3Client s3, String bucket, String stream, RetryPolicy retry) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /**
     * Writes the plan's objects for {@code shardId}.
     *
     * @return the keys written, in order raw, dead letters, late records (only those with lines)
     * @throws SinkWriteException when a put still fails after retries
     */
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
        put(IntervalKind.RAW, shardId, plan, arrival, IntervalLines.raw(archive), written);
        if (!plan.deadLetters().isEmpty()) {
            put(IntervalKind.DEADLETTER, shardId, plan, arrival, IntervalLines.deadLetters(plan.deadLetters()), written);
        }
        if (!plan.lateRecords().isEmpty()) {
            put(IntervalKind.LATE, shardId, plan, arrival, IntervalLines.lateRecords(plan.lateRecords()), written);
        }
        return written;
    }

    private void put(IntervalKind kind, String shardId, CheckpointPlan plan, Instant arrival, byte[] body,
                     List<String> written) {
        String key = IntervalObjectKeys.key(kind, stream, shardId, plan.firstPosition(), arrival);
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/gzip"),
                        RequestBody.fromBytes(body));
                written.add(key);
                return;
            } catch (SdkException e) {
                if (!isRetryable(e) || attempt >= retry.maxAttempts() || Thread.currentThread().isInterrupted()) {
                    throw new SinkWriteException("could not write s3://" + bucket + "/" + key + " after " + attempt
                            + " attempt(s): " + e.getMessage(), e);
                }
                LOG.warn("S3 put of {} failed (attempt {} of {}), retrying: {}", key, attempt, retry.maxAttempts(),
                        e.getMessage());
                retry.sleepAfter(attempt);
            }
        }
    }

    /** Client-side errors (network) and throttling/server errors are worth retrying; 4xx like NoSuchBucket are not. */
    private static boolean isRetryable(SdkException e) {
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            return status >= 500 || status == 429 || status == 408 || s3e.isThrottlingException();
        }
        return true;
    }
}
