package io.rtpipe.producer.aggregation;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An open shard of a stream and the hash keys it owns, as ListShards reports them.
 *
 * @param shardId          the shard's id
 * @param startingHashKey  its first hash key
 * @param endingHashKey    its last hash key (inclusive)
 */
public record ShardRange(String shardId, BigInteger startingHashKey, BigInteger endingHashKey) {

    public ShardRange {
        Objects.requireNonNull(shardId, "shardId");
        if (startingHashKey.signum() < 0 || endingHashKey.compareTo(startingHashKey) < 0) {
            throw new IllegalArgumentException("shard " + shardId + " has an empty hash-key range " + startingHashKey
                    + ".." + endingHashKey);
        }
    }
}
