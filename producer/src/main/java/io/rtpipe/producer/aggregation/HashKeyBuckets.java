package io.rtpipe.producer.aggregation;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Maps a partition key to one of a fixed number of equal ranges of Kinesis' 128-bit hash-key space and names the
 * explicit hash key (the range's midpoint, in decimal) every record of that range is sent with. The mapping depends
 * only on the key and the bucket count, never on the stream's shards. Not thread-safe (it reuses one digest).
 */
public final class HashKeyBuckets {

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private final int count;
    private final String[] explicitHashKeys;
    private final MessageDigest md5;

    public HashKeyBuckets(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("Bucket count must be positive, was " + count + ".");
        }
        this.count = count;
        this.explicitHashKeys = new String[count];
        // Bucket i holds the hash keys whose top 64 bits h satisfy floor(h * count / 2^64) == i, i.e. top halves in
        // [ceil(i * 2^64 / count), ceil((i + 1) * 2^64 / count)); its key is the midpoint of that 128-bit range.
        BigInteger bigCount = BigInteger.valueOf(count);
        for (int i = 0; i < count; i++) {
            BigInteger low = ceilDiv(TWO_TO_64.multiply(BigInteger.valueOf(i)), bigCount).shiftLeft(64);
            BigInteger high = ceilDiv(TWO_TO_64.multiply(BigInteger.valueOf(i + 1L)), bigCount).shiftLeft(64);
            explicitHashKeys[i] = low.add(high).shiftRight(1).toString();
        }
        this.md5 = newMd5();
    }

    public int count() {
        return count;
    }

    /** The bucket holding MD5 of the key's UTF-8 bytes, the hash key Kinesis itself would route the key by. */
    public int bucketOf(String partitionKey) {
        byte[] digest = md5.digest(partitionKey.getBytes(StandardCharsets.UTF_8));
        long top = 0;
        for (int i = 0; i < 8; i++) {
            top = (top << 8) | (digest[i] & 0xFF);
        }
        // floor(top * count / 2^64) with top read as unsigned.
        return (int) (Math.multiplyHigh(top, count) + ((top >> 63) & count));
    }

    /** The explicit hash key of a bucket: the midpoint of its range, as Kinesis expects it (a decimal string). */
    public String explicitHashKey(int bucket) {
        return explicitHashKeys[bucket];
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no MD5 digest, which every Java platform must provide.", e);
        }
    }

    private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    }
}
