package io.rtpipe.producer.aggregation;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts Kinesis' 128-bit hash-key space into ranges ("buckets", the aggregating producer's lanes), maps a partition key
 * to the bucket holding MD5 of the key (the hash key Kinesis itself routes the key by), and names for every bucket a
 * short <em>routing key</em>: a partition key whose own MD5 falls in the bucket. An aggregate of a bucket is put with
 * the routing key as its partition key, and every user record in it carries MD5 of the routing key as explicit hash
 * key, so Kinesis routes the aggregate exactly where each member's hash key points: one shard, whatever the shard
 * layout. The ranges are either a fixed number of equal ones ({@link #HashKeyBuckets(int)}) or the hash-key ranges of
 * a stream's open shards ({@link #forShards}): one bucket per shard, whose routing key lies in that shard. Not
 * thread-safe (it reuses one digest and buffers).
 */
public final class HashKeyBuckets {

    /** Slots of the cache of recent keys' buckets: repeated keys (user ids, devices) skip the digest. */
    private static final int CACHE_SLOTS = 1024;
    private static final BigInteger TWO_TO_128 = BigInteger.ONE.shiftLeft(128);
    /** Routing-key candidates tried before giving up: a shard narrower than about 2^-20 of the key space is absurd. */
    private static final long MAX_CANDIDATES = 1L << 26;

    private final int count;
    /** First hash key of each bucket as two unsigned halves, ascending; bucket 0 starts at 0. */
    private final long[] startHigh;
    private final long[] startLow;
    /** The shard each bucket is, or null for equal ranges. */
    private final String[] shardIds;
    private final String[] routingKeys;
    private final String[] hashKeys;
    private final MessageDigest md5;
    private final String[] cachedKeys = new String[CACHE_SLOTS];
    private final int[] cachedBuckets = new int[CACHE_SLOTS];
    private byte[] keyBytes = new byte[64];
    private final byte[] digest = new byte[16];

    /** {@code count} equal ranges: bucket {@code i} is {@code [i, i+1) * 2^128 / count}. */
    public HashKeyBuckets(int count) {
        this(equalStarts(count), null);
    }

    /**
     * One bucket per shard, in the order of their starting hash keys.
     *
     * @param openShards the stream's open shards, which must tile the hash-key space (no gap, no overlap)
     * @throws IllegalArgumentException if they do not
     */
    public static HashKeyBuckets forShards(List<ShardRange> openShards) {
        List<ShardRange> sorted = new ArrayList<>(openShards);
        sorted.sort(Comparator.comparing(ShardRange::startingHashKey));
        BigInteger next = BigInteger.ZERO;
        for (ShardRange shard : sorted) {
            if (!shard.startingHashKey().equals(next)) {
                throw new IllegalArgumentException("the open shards do not tile the hash-key space: " + shard.shardId()
                        + " starts at " + shard.startingHashKey() + " where " + next + " was expected");
            }
            next = shard.endingHashKey().add(BigInteger.ONE);
        }
        if (!next.equals(TWO_TO_128)) {
            throw new IllegalArgumentException("the open shards do not tile the hash-key space: they end at "
                    + next.subtract(BigInteger.ONE) + (sorted.isEmpty() ? " (there are none)" : ""));
        }
        return new HashKeyBuckets(sorted.stream().map(ShardRange::startingHashKey).toList(),
                sorted.stream().map(ShardRange::shardId).toArray(String[]::new));
    }

    private static List<BigInteger> equalStarts(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("Bucket count must be positive, was " + count + ".");
        }
        List<BigInteger> starts = new ArrayList<>(count);
        BigInteger n = BigInteger.valueOf(count);
        for (int i = 0; i < count; i++) {
            // ceil(i * 2^128 / count): the smallest hash key h with floor(h * count / 2^128) = i
            starts.add(TWO_TO_128.multiply(BigInteger.valueOf(i)).add(n.subtract(BigInteger.ONE)).divide(n));
        }
        return starts;
    }

    private HashKeyBuckets(List<BigInteger> starts, String[] shardIds) {
        this.count = starts.size();
        this.shardIds = shardIds;
        this.startHigh = new long[count];
        this.startLow = new long[count];
        for (int i = 0; i < count; i++) {
            startHigh[i] = starts.get(i).shiftRight(64).longValue();
            startLow[i] = starts.get(i).longValue();
        }
        this.md5 = newMd5();
        this.routingKeys = new String[count];
        this.hashKeys = new String[count];
        // Try keys "0", "1", ... (base 36) until every bucket has one: about count * ln(count) digests for equal
        // ranges, once; a narrow shard takes about 2^128 / its width.
        int missing = count;
        for (long candidate = 0; missing > 0; candidate++) {
            if (candidate == MAX_CANDIDATES) {
                throw new IllegalArgumentException("no routing key found for a hash-key range within "
                        + MAX_CANDIDATES + " candidates: a shard is too narrow");
            }
            String key = Long.toString(candidate, Character.MAX_RADIX);
            int bucket = digestBucket(key);
            if (routingKeys[bucket] == null) {
                routingKeys[bucket] = key;
                hashKeys[bucket] = new BigInteger(1, md5.digest(key.getBytes(StandardCharsets.UTF_8))).toString();
                missing--;
            }
        }
    }

    public int count() {
        return count;
    }

    /** The shard bucket {@code bucket} is (from {@link #forShards}), or null for equal ranges. */
    public String shardId(int bucket) {
        return shardIds == null ? null : shardIds[bucket];
    }

    /** The bucket holding MD5 of the key's UTF-8 bytes. */
    public int bucketOf(String partitionKey) {
        // Direct-mapped: a key found in its slot was digested before; otherwise it replaces the slot's key.
        int slot = partitionKey.hashCode() & (CACHE_SLOTS - 1);
        if (partitionKey.equals(cachedKeys[slot])) {
            return cachedBuckets[slot];
        }
        int bucket = digestBucket(partitionKey);
        cachedKeys[slot] = partitionKey;
        cachedBuckets[slot] = bucket;
        return bucket;
    }

    private int digestBucket(String partitionKey) {
        md5.reset();
        int n = asciiBytes(partitionKey);
        if (n >= 0) {
            md5.update(keyBytes, 0, n);
        } else {
            md5.update(partitionKey.getBytes(StandardCharsets.UTF_8));
        }
        try {
            md5.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException("MD5 digests are 16 bytes; the buffer has " + digest.length + ".", e);
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (digest[i] & 0xFF);
            low = (low << 8) | (digest[i + 8] & 0xFF);
        }
        return bucketOfHashKey(high, low);
    }

    /** The last bucket starting at or below the hash key {@code high * 2^64 + low} (halves unsigned). */
    private int bucketOfHashKey(long high, long low) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int c = Long.compareUnsigned(startHigh[mid], high);
            if (c < 0 || c == 0 && Long.compareUnsigned(startLow[mid], low) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Copies an ASCII key into {@link #keyBytes} (its UTF-8 encoding) and returns its length; -1 if not ASCII. */
    private int asciiBytes(String key) {
        int n = key.length();
        if (keyBytes.length < n) {
            keyBytes = new byte[Math.max(n, 2 * keyBytes.length)];
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            keyBytes[i] = (byte) c;
        }
        return n;
    }

    /** The partition key an aggregate of this bucket is put with. */
    public String routingKey(int bucket) {
        return routingKeys[bucket];
    }

    /** MD5 of the bucket's routing key as a decimal hash key: the explicit hash key of every member. */
    public String hashKey(int bucket) {
        return hashKeys[bucket];
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no MD5 digest, which every Java platform must provide.", e);
        }
    }
}
