package io.rtpipe.producer;

import java.util.Objects;

/**
 * Where Kinesis stored a record.
 *
 * @param shardId        the shard the record went to
 * @param sequenceNumber its sequence number within that shard
 * @param attempts       how many PutRecords attempts it took (1 = no retry)
 */
public record PutResult(String shardId, String sequenceNumber, int attempts) {
    public PutResult {
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    }
}
