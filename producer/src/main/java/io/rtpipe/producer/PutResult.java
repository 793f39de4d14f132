package io.rtpipe.producer;

import java.util.Objects;

/**
 * Where Kinesis stored a record.
 *
 * @param shardId        the shard the record went to
 * @param sequenceNumber    its sequence number within that shard (of the aggregated Kinesis record it travelled in)
 * @param subSequenceNumber its index within that aggregated record, as KCL reports it; 0 for a record sent as is
 * @param attempts          how many PutRecords attempts it took (1 = no retry)
 */
public record PutResult(String shardId, String sequenceNumber, long subSequenceNumber, int attempts) {
    public PutResult {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException("subSequenceNumber must be >= 0, got " + subSequenceNumber);
        }
    }

    /** A record sent as a Kinesis record of its own (sub-sequence number 0). */
    public PutResult(String shardId, String sequenceNumber, int attempts) {
        this(shardId, sequenceNumber, 0, attempts);
    }
}
