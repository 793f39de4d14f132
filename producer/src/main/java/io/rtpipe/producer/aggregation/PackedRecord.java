package io.rtpipe.producer.aggregation;

import java.util.List;

/**
 * One Kinesis record as {@link RecordAggregator} hands it to the producer: put {@code data} with {@code partitionKey}
 * and {@code explicitHashKey}; once Kinesis acknowledged it, member {@code i} (in the order they were added) is the user
 * record with sub-sequence number {@code i} of the record's sequence number.
 *
 * @param partitionKey    the first member's partition key (routing uses the explicit hash key)
 * @param explicitHashKey the hash key every member shares, as a decimal string
 * @param data            the record's bytes: an aggregated record, or the single member's own data if not aggregated
 * @param aggregated      whether {@code data} is in the aggregated-record format
 * @param members         the caller's handles of the user records inside, in order
 * @param <T>             the caller's handle type
 */
public record PackedRecord<T>(String partitionKey, String explicitHashKey, byte[] data, boolean aggregated,
                              List<T> members) {

    /** Bytes this record counts against Kinesis' per-record limit: data plus the UTF-8 partition key. */
    public int kinesisSize() {
        return data.length + Utf8.length(partitionKey);
    }
}
