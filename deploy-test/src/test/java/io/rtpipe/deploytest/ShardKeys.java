package io.rtpipe.deploytest;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** Partition keys that reach each open shard of a stream: Kinesis routes a key by the MD5 of its UTF-8 bytes. */
final class ShardKeys {

    private ShardKeys() {
    }

    /** One key per shard, {@code prefix-N} with the smallest N landing in it. */
    static List<String> onePerShard(KinesisAsyncClient kinesis, String stream, String prefix) {
        List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).join().shards().stream()
                .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null).toList();
        List<String> keys = new ArrayList<>();
        for (Shard shard : shards) {
            BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
            for (int n = 0; ; n++) {
                BigInteger hash = md5(prefix + "-" + n);
                if (hash.compareTo(start) >= 0 && hash.compareTo(end) <= 0) {
                    keys.add(prefix + "-" + n);
                    break;
                }
            }
        }
        return keys;
    }

    private static BigInteger md5(String key) {
        try {
            return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
