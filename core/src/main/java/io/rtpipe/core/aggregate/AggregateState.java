package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;

/**
 * The running state of one aggregate for one window and group key on one shard. Mutable and not thread-safe; the
 * add methods must not allocate on the common path (they run once per event).
 * <p>
 * Every add takes the event's time and record position: only first/last use them (to order events), the others
 * ignore them. Missing and null field values are not added at all (like SQL aggregates ignore NULL).
 */
public interface AggregateState {

    /** Adds an event that carries no value for this aggregate (only for {@link ValueInput#NONE}). */
    default void addEvent(long eventTime, RecordPosition position) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " needs a field value");
    }

    void addLong(long value, long eventTime, RecordPosition position);

    void addDouble(double value, long eventTime, RecordPosition position);

    /** Adds a string value (only for {@link ValueInput#ANY}). */
    default void addString(String value, long eventTime, RecordPosition position) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes numbers only");
    }

    /**
     * Adds one point: the values of the aggregate's fields in their declared order (only for
     * {@link ValueInput#VECTOR}). {@code values} is reused by the caller after the call: copy what you keep.
     */
    default void addVector(double[] values, long eventTime, RecordPosition position) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes one field");
    }

    /** Folds {@code other} (a state of the same aggregator) into this one; {@code other} is left unchanged. */
    void merge(AggregateState other);

    /**
     * The absolute partial value to store: Long, Double, byte[] (a serialized sketch or pair), or null when nothing
     * was added to an aggregate that has no value for "nothing" (min, max, avg, quantile, first, last).
     * {@link Aggregator#fromPartial} turns it back into an equal state.
     */
    Object partial();

    /** The final value for readers: Long, Double, String, a list of top-K rows, or null for "no value". */
    Object result();
}
