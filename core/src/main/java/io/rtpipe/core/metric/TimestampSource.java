package io.rtpipe.core.metric;

import java.util.Objects;

/** Where a metric takes each event's time from. */
public sealed interface TimestampSource {

    /** Event time: a top-level field holding an integral number of epoch milliseconds. */
    static TimestampSource field(String name) {
        return new EventTimeField(name);
    }

    /** Processing time as Kinesis saw it: the record's approximate arrival timestamp (stable across replays). */
    static TimestampSource arrivalTime() {
        return new ArrivalTime();
    }

    /** @param field top-level field name, e.g. "ts" */
    record EventTimeField(String field) implements TimestampSource {
        public EventTimeField {
            Objects.requireNonNull(field, "field");
            if (field.isEmpty()) {
                throw new IllegalArgumentException("timestamp field name must not be empty");
            }
        }
    }

    /** The record's Kinesis approximate arrival timestamp. */
    record ArrivalTime() implements TimestampSource {
    }
}
