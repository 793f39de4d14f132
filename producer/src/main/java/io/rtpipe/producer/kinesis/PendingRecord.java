package io.rtpipe.producer.kinesis;

import io.rtpipe.producer.PutResult;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.util.concurrent.CompletableFuture;

/**
 * A record between {@code send} and its outcome. The mutable fields are written by whichever thread holds the record
 * (sender thread, then the completion thread); hand-offs go through the accumulator's lock or the SDK's future, which
 * order the writes.
 */
final class PendingRecord {

    final byte[] data;
    final String partitionKey;
    /** Data plus UTF-8 partition key bytes: what Kinesis counts against its size limits. */
    final int size;
    final long acceptedNanos;
    /**
     * When the record's TTL ends: set at its first attempt, so time spent queued behind a full pipeline never fails a
     * record; {@link #NOT_ATTEMPTED} until then.
     */
    long deadlineNanos = NOT_ATTEMPTED;
    final CompletableFuture<PutResult> future = new CompletableFuture<>();

    static final long NOT_ATTEMPTED = Long.MAX_VALUE;

    int attempts;
    /** When a retry may be sent (the earlier of the backoff's end and the deadline, so expiry is noticed in time). */
    long dueNanos;
    String lastError;
    private PutRecordsRequestEntry entry;

    PendingRecord(byte[] data, String partitionKey, int size, long acceptedNanos) {
        this.data = data;
        this.partitionKey = partitionKey;
        this.size = size;
        this.acceptedNanos = acceptedNanos;
    }

    /** Whether the record's TTL has ended by {@code nowNanos}; never before its first attempt. */
    boolean expiredAt(long nowNanos) {
        return attempts > 0 && nowNanos - deadlineNanos >= 0;
    }

    /** Nanoseconds from {@code nowNanos} until the TTL ends (at least 0); effectively forever before the first attempt. */
    long nanosUntilExpiry(long nowNanos) {
        return attempts > 0 ? Math.max(0, deadlineNanos - nowNanos) : Long.MAX_VALUE;
    }

    /** Built once and reused by every attempt; wraps the caller's array without copying. */
    PutRecordsRequestEntry entry() {
        if (entry == null) {
            entry = PutRecordsRequestEntry.builder()
                    .data(SdkBytes.fromByteArrayUnsafe(data))
                    .partitionKey(partitionKey)
                    .build();
        }
        return entry;
    }
}
