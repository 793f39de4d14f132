package io.rtpipe.producer.aggregation;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Cuts Kinesis' 128-bit hash-key space into a fixed number of equal ranges ("buckets"), maps a partition key to the
 * bucket holding MD5 of the key (the hash key Kinesis itself routes the key by), and names for every bucket a short
 * <em>routing key</em>: a partition key whose own MD5 falls in the bucket. An aggregate of a bucket is put with the
 * routing key as its partition key, and every user record in it carries MD5 of the routing key as explicit hash key,
 * so Kinesis routes the aggregate exactly where each member's hash key points: one shard, whatever the shard layout.
 * The mapping depends only on the key and the bucket count. Not thread-safe (it reuses one digest and buffers).
 */
public final class HashKeyBuckets {

    /** Slots of the cache of recent keys' buckets: repeated keys (user ids, devices) skip the digest. */
    private static final int CACHE_SLOTS = 1024;

    private final int count;
    private final String[] routingKeys;
    private final String[] hashKeys;
    private final MessageDigest md5;
    private final String[] cachedKeys = new String[CACHE_SLOTS];
    private final int[] cachedBuckets = new int[CACHE_SLOTS];
    private byte[] keyBytes = new byte[64];
    private final byte[] digest = new byte[16];

    public HashKeyBuckets(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("Bucket count must be positive, was " + count + ".");
        }
        this.count = count;
        this.md5 = newMd5();
        this.routingKeys = new String[count];
        this.hashKeys = new String[count];
        // Try keys "0", "1", ... (base 36) until every bucket has one: about count * ln(count) digests, once.
        int missing = count;
        for (long candidate = 0; missing > 0; candidate++) {
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

    /** The bucket holding MD5 of the key's UTF-8 bytes, the range {@code [i, i+1) * 2^128 / count} it falls in. */
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
        long top = 0;
        for (int i = 0; i < 8; i++) {
            top = (top << 8) | (digest[i] & 0xFF);
        }
        // floor(top * count / 2^64), top unsigned: the top 64 bits decide, which differs from the 128-bit floor only
        // for hash keys within count / 2^64 of a boundary. Correctness needs only that a key's bucket is fixed.
        return (int) (Math.multiplyHigh(top, count) + ((top >> 63) & count));
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
