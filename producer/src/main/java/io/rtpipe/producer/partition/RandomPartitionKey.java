package io.rtpipe.producer.partition;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * 16 random hex digits per record. Kinesis hashes keys with MD5 onto the shards' hash ranges, so 64 random bits spread
 * records evenly; a full UUID would only add bytes to every record.
 */
public final class RandomPartitionKey implements PartitionKeySelector {

    static final RandomPartitionKey INSTANCE = new RandomPartitionKey();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private RandomPartitionKey() {
    }

    @Override
    public String partitionKey(byte[] data) {
        return next();
    }

    /** A fresh random key. */
    public static String next() {
        long bits = ThreadLocalRandom.current().nextLong();
        // Latin-1 bytes become the String's own compact representation: one copy, no char[] to compress.
        byte[] digits = new byte[16];
        for (int i = 15; i >= 0; i--) {
            digits[i] = HEX[(int) (bits & 0xF)];
            bits >>>= 4;
        }
        return new String(digits, StandardCharsets.ISO_8859_1);
    }
}
