package io.rtpipe.core.spec;

/** Where a metric takes each event's time from. */
public sealed interface TimestampDefinition {

    /** Event time: a field holding an integral number of epoch milliseconds. */
    record EventField(FieldPath field) implements TimestampDefinition {
    }

    /** The record's Kinesis approximate arrival timestamp (stable across replays). */
    record Arrival() implements TimestampDefinition {
    }
}
