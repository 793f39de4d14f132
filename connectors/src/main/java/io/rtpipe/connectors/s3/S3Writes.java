package io.rtpipe.connectors.s3;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Objects;

/**
 * Puts and deletes objects of one bucket, each retried per a {@link RetryPolicy}: the one place the sinks' S3 writes
 * are retried (interval objects, spilled results). Thread-safe (the client is).
 */
public final class S3Writes {

    private static final Logger LOG = LoggerFactory.getLogger(S3Writes.class);

    private final S3Client s3;
    private final String bucket;
    private final RetryPolicy retry;

    public S3Writes(S3Client s3, String bucket, RetryPolicy retry) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    public String bucket() {
        return bucket;
    }

    /** @throws SinkWriteException when the put still fails after retries */
    public void put(String key, byte[] body, String contentType) {
        withRetries("put", key, () -> s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType),
                RequestBody.fromBytes(body)));
    }

    /** Deleting a key that does not exist succeeds in S3, so this is the cheap common case. */
    public void delete(String key) {
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
