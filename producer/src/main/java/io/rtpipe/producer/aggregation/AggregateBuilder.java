package io.rtpipe.producer.aggregation;

import io.rtpipe.connectors.kpl.AggregateEncoder;
import io.rtpipe.producer.SendGuard;
import io.rtpipe.producer.partition.Utf8;

import java.util.ArrayList;
import java.util.List;

/**
 * The open aggregate of one hash-key bucket: the caller's handles of its user records, when it was opened, and its
 * bytes, which the format's owner ({@link AggregateEncoder}) writes. Not thread-safe.
 */
final class AggregateBuilder<T> {

    private final int bucket;
    private final String routingKey;
    private final int routingKeyBytes;
    private final String explicitHashKey;
    private final AggregateEncoder encoder;
    private List<T> members = new ArrayList<>();
    private long firstAddedNanos;

    /**
     * @param bucket          the hash-key bucket this builder collects
     * @param routingKey      the partition key the Kinesis record is put with
     * @param explicitHashKey MD5 of {@code routingKey} as a decimal: the explicit hash key of every member
     */
    AggregateBuilder(int bucket, String routingKey, String explicitHashKey) {
        this.bucket = bucket;
        this.routingKey = routingKey;
        this.routingKeyBytes = Utf8.length(routingKey);
        this.explicitHashKey = explicitHashKey;
        this.encoder = new AggregateEncoder(explicitHashKey);
    }

    /** The largest data a record with this partition key can have in an aggregate of its own within 1 MiB. */
    int maxDataBytes(String partitionKey) {
        return encoder.maxDataBytes(partitionKey, SendGuard.KINESIS_MAX_RECORD_BYTES - routingKeyBytes);
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    long firstAddedNanos() {
        return firstAddedNanos;
    }

    /**
     * Adds a record if the Kinesis record (data plus routing key) stays within {@code maxRecordBytes} with it.
     *
     * @return false, adding nothing, if it would not fit (the caller completes this aggregate and tries again)
     */
    boolean tryAdd(String partitionKey, byte[] data, T member, long nowNanos, int maxRecordBytes) {
        if (!encoder.tryAdd(partitionKey, data, maxRecordBytes - routingKeyBytes)) {
            return false;
        }
        if (isEmpty()) {
            firstAddedNanos = nowNanos;
        }
        members.add(member);
        return true;
    }

    /**
     * Completes the open aggregate and resets this builder. A lone record is aggregated too: sent as itself it would
     * have to carry its own partition key, which routes elsewhere than its bucket.
     */
    PackedRecord<T> complete() {
        PackedRecord<T> packed = new PackedRecord<>(routingKey, explicitHashKey, encoder.complete(), members, bucket);
        members = new ArrayList<>(Math.max(16, packed.members().size()));
        return packed;
    }
}
