package io.rtpipe.core.budget;

import java.util.Locale;

/**
 * How much heap one shard's window state may take, and what the worst-case estimate assumes where a size depends on
 * the input rather than the spec (docs/metrics.md, *Memory budget*). Immutable.
 * <p>
 * Defaults: {@link #DEFAULT_PER_SHARD_BYTES} (512 MB), {@link #DEFAULT_EVENTS_PER_SECOND} (1,000),
 * {@link #DEFAULT_VALUE_BYTES} (64).
 *
 * @param perShardBytes   the most one shard's worst-case window state may take
 * @param eventsPerSecond the events one shard receives per second of event time at most (bounds how many key-windows
 *                        and values can be open at once, and the dedup ids)
 * @param valueBytes      the longest string value of a group-by, topk, first/last or dedup field, in bytes
 */
public record MemoryBudget(long perShardBytes, long eventsPerSecond, int valueBytes) {

    /**
     * 512 MB: the default consumer task has 1,024 MiB and gives the JVM 75% of it as heap (768 MB); about 256 MB of
     * that goes to KCL, the AWS SDK, record batches and the records held since the oldest open window, which leaves
     * 512 MB for window state.
     */
    public static final long DEFAULT_PER_SHARD_BYTES = 512L << 20;
    /** 1,000 events/s: about what one Kinesis shard takes in (1 MB/s or 1,000 records/s). */
    public static final long DEFAULT_EVENTS_PER_SECOND = 1_000;
    /** 64 bytes: an id, a page path or a country name; set it to the longest values the fields hold. */
    public static final int DEFAULT_VALUE_BYTES = 64;
    /** The longest value an assumption may state: a Kinesis record holds at most 1 MB. */
    public static final int MAX_VALUE_BYTES = 1 << 20;
    public static final long MAX_EVENTS_PER_SECOND = 1_000_000_000L;

    public static final MemoryBudget DEFAULT = new MemoryBudget(DEFAULT_PER_SHARD_BYTES, DEFAULT_EVENTS_PER_SECOND,
            DEFAULT_VALUE_BYTES);

    public MemoryBudget {
        if (perShardBytes < 1 || eventsPerSecond < 1 || eventsPerSecond > MAX_EVENTS_PER_SECOND || valueBytes < 1
                || valueBytes > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("a memory budget needs at least 1 byte, 1 to " + MAX_EVENTS_PER_SECOND
                    + " events per second and values of 1 to " + MAX_VALUE_BYTES + " bytes");
        }
    }

    /**
     * Bytes as the budget's messages write them, in units of 1,024: {@code 96 B}, {@code 2.5 KB}, {@code 512 MB},
     * {@code 3.1 GB} (one decimal below 10).
     */
    public static String format(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0) {
            return String.format(Locale.ROOT, "%,d B", bytes);
        }
        return value < 9.95 ? String.format(Locale.ROOT, "%.1f %s", value, units[unit])
                : String.format(Locale.ROOT, "%,.0f %s", value, units[unit]);
    }

    /** The assumptions as one phrase: {@code 1,000 events/s per shard, values up to 64 bytes}. */
    public String assumptions() {
        return String.format(Locale.ROOT, "%,d events/s per shard, values up to %,d bytes", eventsPerSecond,
                valueBytes);
    }
}
