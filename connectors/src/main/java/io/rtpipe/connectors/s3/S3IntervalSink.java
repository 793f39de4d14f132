package io.rtpipe.connectors.s3;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.task.IntervalPort;
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
 * records, each under {@link IntervalObjectKeys} keyed by the interval's first record. A kind without lines has its
 * key deleted rather than skipped: after a restart the replayed interval can be shorter than one written before the
 * crash under the same key, and a stale longer object would hold records the next interval writes again. Each put is retried per the {@link RetryPolicy}; when one finally fails the call throws
 * {@link SinkWriteException} and the caller must not checkpoint. Rewriting an interval overwrites the same keys.
 */
public final class S3IntervalSink implements IntervalPort {

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
        put(rawKey, IntervalLines.raw(archive));
        written.add(rawKey);
        String deadLetterKey = key(IntervalKind.DEADLETTER, shardId, plan, arrival);
        if (plan.deadLetters().isEmpty()) {
            delete(deadLetterKey);
        } else {
            put(deadLetterKey, IntervalLines.deadLetters(plan.deadLetters()));
            written.add(deadLetterKey);
        }
        String lateKey = key(IntervalKind.LATE, shardId, plan, arrival);
        if (plan.lateRecords().isEmpty()) {
            delete(lateKey);
        } else {
            put(lateKey, IntervalLines.lateRecords(plan.lateRecords()));
            written.add(lateKey);
        }
        return written;
    }

    private String key(IntervalKind kind, String shardId, CheckpointPlan plan, Instant arrival) {
        return IntervalObjectKeys.key(kind, stream, shardId, plan.firstPosition(), arrival);
    }

    private void put(String key, byte[] body) {
        withRetries("put", key, () -> s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/gzip"),
                RequestBody.fromBytes(body)));
    }

    /** Deleting a key that does not exist succeeds in S3, so this is the cheap common case. */
    private void delete(String key) {
        withRetries("delete", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    private void withRetries(String operation, String key, Runnable call) {
        for (int attempt = 1; ; attempt++) {
            try {
                call.run();
                return;
            } catch (SdkException e) {
                if (!isRetryable(e) || attempt >= retry.maxAttempts() || Thread.currentThread().isInterrupted()) {
                    throw new SinkWriteException("could not " + operation + " s3://" + bucket + "/" + key + " after "
                            + attempt + " attempt(s): " + e.getMessage(), e);
                }
                LOG.warn("S3 {} of {} failed (attempt {} of {}), retrying: {}", operation, key, attempt,
                        retry.maxAttempts(), e.getMessage());
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
