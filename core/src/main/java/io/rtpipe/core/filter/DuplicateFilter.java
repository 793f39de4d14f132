package io.rtpipe.core.filter;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Drops events whose id was already seen within a horizon of event time: producer retries put the same event into a
 * shard twice, with the same id and the same event time. Deterministic: its answers depend only on the sequence of
 * calls, so a replay of a shard from the same starting state answers the same.
 * <p>
 * An id is remembered at least until the highest event time seen exceeds the time it was seen with by more than the
 * horizon; ids are forgotten in the order they were first seen, so an id seen with an unusually old time may be kept
 * a little longer (never shorter). Memory: one map entry per id still remembered. Not thread-safe.
 */
public final class DuplicateFilter {
    private final long horizonMillis;
    private final Map<String, Long> seen = new HashMap<>();
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private long maxTime = Long.MIN_VALUE;

    private record Entry(String id, long time) {
    }

    /** @param horizonMillis how long (in event time) an id is remembered; at least 1 ms */
    public DuplicateFilter(long horizonMillis) {
        if (horizonMillis < 1) {
            throw new IllegalArgumentException("dedup horizon must be at least 1 ms, got " + horizonMillis);
        }
        this.horizonMillis = horizonMillis;
    }

    /**
     * Records one event.
     *
     * @return true if {@code id} was not seen within the horizon (keep the event), false for a duplicate (drop it)
     */
    public boolean firstSeen(String id, long eventTime) {
        if (eventTime > maxTime) {
            maxTime = eventTime;
            evictOlderThan(maxTime - horizonMillis);
        }
        if (seen.putIfAbsent(id, eventTime) != null) {
            return false;
        }
        order.addLast(new Entry(id, eventTime));
        return true;
    }

    private void evictOlderThan(long cutoff) {
        while (!order.isEmpty() && order.peekFirst().time() < cutoff) {
            seen.remove(order.pollFirst().id());
        }
    }

    /** How many ids are remembered now. */
    public int size() {
        return seen.size();
    }
}
