package io.rtpipe.core.aggregate;

/** Which values an {@link Aggregator} takes, so the engine can reject a wrong-typed field before adding it. */
public enum ValueInput {
    /** No field: the engine calls {@link AggregateState#addEvent} once per event (count without a field). */
    NONE,
    /** Numbers only: {@link AggregateState#addLong} or {@link AggregateState#addDouble}. */
    NUMBER,
    /** Numbers or strings (booleans are passed as the strings "true" and "false"). */
    ANY,
    /**
     * Several numeric fields read together as one point: {@link AggregateState#addVector}, only when every field
     * holds a number (an event missing one is not added).
     */
    VECTOR
}
