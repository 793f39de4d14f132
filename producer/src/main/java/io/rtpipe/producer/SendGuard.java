package io.rtpipe.producer;

import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.partition.Utf8;

/**
 * The checks every {@link RecordProducer} makes before it accepts a record, in one place so that each producer
 * (batch, aggregating, KPL) refuses the same records with the same sentence, and the one owner of Kinesis' record
 * size limit.
 */
public final class SendGuard {

    /** Kinesis' limit for one record: data blob plus partition key, in bytes. */
    public static final int KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

    /** Why a record is refused before it is buffered: the failure its future ends with. */
    public record Refusal(FailureReason reason, String message) {
    }

    private SendGuard() {
    }

    /** The record's size as Kinesis counts it: data plus the partition key's UTF-8 bytes. */
    public static int recordBytes(String partitionKey, byte[] data) {
        return data.length + Utf8.length(partitionKey);
    }

    /**
     * The refusal of a record whose partition key Kinesis rejects or whose size is over {@code maxRecordBytes}; null
     * when it may be sent.
     *
     * @throws NullPointerException if {@code data} is null (a programming error, not a record to report)
     */
    public static Refusal check(String partitionKey, byte[] data, int maxRecordBytes) {
        if (data == null) {
            throw new NullPointerException("data");
        }
        if (!PartitionKeySelector.isValid(partitionKey)) {
            return new Refusal(FailureReason.INVALID_PARTITION_KEY, PartitionKeySelector.invalidKeyMessage(partitionKey));
        }
        int size = recordBytes(partitionKey, data);
        if (size > maxRecordBytes) {
            return new Refusal(FailureReason.RECORD_TOO_LARGE, "the record has " + size + " bytes (data "
                    + data.length + " + partition key), above the limit of " + maxRecordBytes + " bytes per record");
        }
        return null;
    }

    /** Thrown by {@code send} on a closed producer. */
    public static void requireOpen(boolean closed) {
        if (closed) {
            throw new IllegalStateException("the producer is closed and accepts no more records");
        }
    }
}
