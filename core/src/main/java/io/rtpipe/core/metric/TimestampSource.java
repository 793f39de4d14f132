package io.rtpipe.core.metric;

import java.util.Objects;

/** Where a metric takes each event's time from. */
public sealed interface TimestampSource {

    /** Event time: a field (possibly nested, e.g. "meta.ts") holding an integral number of epoch milliseconds. */
    static TimestampSource field(String path) {
        return new EventTimeField(FieldPath.parse(path));
    }

    /** Processing time as Kinesis saw it: the record's approximate arrival timestamp (stable across replays). */
    static TimestampSource arrivalTime() {
        return new ArrivalTime();
    }

    /** @param field the field holding epoch millis, e.g. "ts" */
    record EventTimeField(FieldPath field) implements TimestampSource {
        public EventTimeField {
            Objects.requireNonNull(field, "field");
        }
    }

    /** The record's Kinesis approximate arrival timestamp. */
    record ArrivalTime() implements TimestampSource {
    }
}
