package io.rtpipe.core.metric;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/** Where a metric takes each event's time from. */
public sealed interface TimestampSource {

    /**
     * How far an event time may lie ahead of the record's Kinesis arrival time before the event is dead-lettered
     * instead of moving the watermark (one year-9999 event would otherwise make the rest of its shard late).
     */
    Duration DEFAULT_MAX_AHEAD = Duration.ofHours(1);

    /** Event time: a field (possibly nested, e.g. "meta.ts") holding epoch milliseconds, up to 1 h ahead of arrival. */
    static TimestampSource field(String path) {
        return new EventTimeField(FieldPath.parse(path), TimeFormat.EPOCH_MILLIS, DEFAULT_MAX_AHEAD);
    }

    /** Processing time as Kinesis saw it: the record's approximate arrival timestamp (stable across replays). */
    static TimestampSource arrivalTime() {
        return new ArrivalTime();
    }

    /** How an event-time field writes its instant. */
    enum TimeFormat {
        /** An integer number of milliseconds since 1970-01-01T00:00:00Z (the default). */
        EPOCH_MILLIS,
        /** A number of seconds since the epoch, integer or with a fraction (e.g. Python's time.time()). */
        EPOCH_SECONDS,
        /** An ISO-8601 / RFC 3339 string with a zone offset, e.g. 2026-12-02T18:00:00.123Z or ...+01:00. */
        ISO_8601;

        /** The word a spec uses: epoch_millis, epoch_seconds, iso8601. */
        public String specName() {
            return this == ISO_8601 ? "iso8601" : name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param field    the field holding the time, e.g. "ts"
     * @param format   how the field writes it
     * @param maxAhead the furthest an event time may lie ahead of the record's arrival time
     */
    record EventTimeField(FieldPath field, TimeFormat format, Duration maxAhead) implements TimestampSource {
        public EventTimeField {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(maxAhead, "maxAhead");
            if (maxAhead.isNegative()) {
                throw new IllegalArgumentException("maxAhead must not be negative, got " + maxAhead);
            }
        }
    }

    /** The record's Kinesis approximate arrival timestamp. */
    record ArrivalTime() implements TimestampSource {
    }
}
