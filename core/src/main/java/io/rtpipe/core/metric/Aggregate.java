package io.rtpipe.core.metric;

/**
 * One aggregate function of a metric, e.g. count. Shards compute partial values; readers merge the partials of all
 * shards for a window and key with {@link #mergePartials}.
 */
public interface Aggregate {

    /** The value's name in results, e.g. "count"; unique within a metric. */
    String name();

    /** Fresh state for a new window and key. */
    Accumulator newAccumulator();

    /**
     * Combines two partial values of this aggregate (from different shards, same window and key). Must be
     * associative and commutative; values may come back from a store as any {@link Number} type.
     */
    Object mergePartials(Object left, Object right);
}
