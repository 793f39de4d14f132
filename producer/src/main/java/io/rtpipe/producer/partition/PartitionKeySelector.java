package io.rtpipe.producer.partition;

/**
 * Chooses a record's partition key from its payload. Implementations must be thread-safe and cheap: they run on the
 * caller's thread inside {@code send}.
 */
@FunctionalInterface
public interface PartitionKeySelector {

    /** Kinesis accepts partition keys of 1 to 256 Unicode characters. */
    int MAX_KEY_LENGTH = 256;

    /**
     * @return the key for this record, or {@code null} when the record carries none; the producer then uses a random
     *         key and counts a fallback, so the record is still delivered
     */
    String partitionKey(byte[] data);

    /** A random key per record: spreads load evenly over all shards, no per-key ordering. The default. */
    static PartitionKeySelector random() {
        return RandomPartitionKey.INSTANCE;
    }

    /**
     * The text of a top-level field of a JSON object record (strings as is; numbers and booleans as written).
     * Missing, null, empty, nested or over-long values and records that are not JSON objects give {@code null}.
     */
    static PartitionKeySelector jsonField(String fieldName) {
        return new JsonFieldPartitionKey(fieldName);
    }

    /** True if Kinesis accepts {@code key} as a partition key. */
    static boolean isValid(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        return key.length() <= MAX_KEY_LENGTH || key.codePointCount(0, key.length()) <= MAX_KEY_LENGTH;
    }

    /** Why Kinesis refuses {@code key} (for a key {@link #isValid} rejects): one sentence for the failure report. */
    static String invalidKeyMessage(String key) {
        return "a partition key must have 1 to " + MAX_KEY_LENGTH + " characters, got "
                + (key == null ? "none" : key.length() + " characters");
    }
}
