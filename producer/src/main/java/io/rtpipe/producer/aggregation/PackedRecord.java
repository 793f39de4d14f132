package io.rtpipe.producer.aggregation;

import io.rtpipe.producer.partition.Utf8;

import java.util.List;

/**
 * One aggregated Kinesis record as {@link RecordAggregator} hands it to the producer: put {@code data} with
 * {@code partitionKey}. Kinesis routes it by MD5 of that key, which is {@code hashKey}, the explicit hash key of every
 * member, so KCL keeps all of them on the shard it reads the record from. Once Kinesis acknowledged the record, member
 * {@code i} (in the order they were added) is the user record with sub-sequence number {@code i} of its sequence
 * number.
 *
 * @param partitionKey the bucket's routing key (not a user's key: KCL gives each user record its own)
 * @param hashKey      MD5 of {@code partitionKey} as a decimal: the members' explicit hash key; passing it as the
 *                     record's explicit hash key too changes nothing
 * @param data         the aggregated record: magic bytes, protobuf message, MD5 of the message
 * @param members      the caller's handles of the user records inside, in order
 * @param bucket       the hash-key bucket the members' keys fall in (see {@link HashKeyBuckets})
 * @param <T>          the caller's handle type
 */
public record PackedRecord<T>(String partitionKey, String hashKey, byte[] data, List<T> members, int bucket) {

    /** Bytes this record counts against Kinesis' per-record limit: data plus the UTF-8 partition key. */
    public int kinesisSize() {
        return data.length + Utf8.length(partitionKey);
    }
}
