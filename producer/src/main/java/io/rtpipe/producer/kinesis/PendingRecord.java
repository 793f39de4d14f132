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
    final long deadlineNanos;
    final CompletableFuture<PutResult> future = new CompletableFuture<>();

    int attempts;
    /** When a retry may be sent (the earlier of the backoff's end and the deadline, so expiry is noticed in time). */
    long dueNanos;
    String lastError;
    private PutRecordsRequestEntry entry;

    PendingRecord(byte[] data, String partitionKey, int size, long acceptedNanos, long deadlineNanos) {
        this.data = data;
        this.partitionKey = partitionKey;
        this.size = size;
        this.acceptedNanos = acceptedNanos;
        this.deadlineNanos = deadlineNanos;
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
