package io.rtpipe.producer.partition;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A record's partition key as every producer derives it: the configured {@link PartitionKeySelector}'s key, or a
 * random one (counted as a fallback) when the record carries none, so the record is still delivered. Thread-safe.
 */
public final class PartitionKeyWithFallback {

    private final PartitionKeySelector selector;
    private final LongAdder fallbacks = new LongAdder();

    public PartitionKeyWithFallback(PartitionKeySelector selector) {
        this.selector = Objects.requireNonNull(selector, "selector");
    }

    /** The selector's key for {@code data}, or a fresh random key if it has none. */
    public String keyFor(byte[] data) {
        String key = selector.partitionKey(data);
        if (key == null) {
            fallbacks.increment();
            key = RandomPartitionKey.next();
        }
        return key;
    }

    /** Records that got a random key because the selector found none. */
    public long fallbacks() {
        return fallbacks.sum();
    }
}
