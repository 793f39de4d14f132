package io.rtpipe.core.engine;

import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldKind;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.TimestampSource.EventTimeField;
import io.rtpipe.core.metric.TimestampSource.TimeFormat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/**
 * Reads an event time in its declared format and refuses the times a replay must not act on: out of range, in a
 * unit the value cannot be in, or further ahead of the record's arrival than the metric allows. Every check depends
 * only on the record (its payload and Kinesis arrival time), so a replay makes the same decision.
 */
final class EventTimeReader {

    static final String OUT_OF_RANGE = " is outside the supported epoch-millis range (years 0001 to 9999)";
    private static final String OUT_OF_RANGE_ANY_FORMAT = " is outside the supported range (years 0001 to 9999)";

    /** Seconds mistaken for millis land within weeks of 1970; this far from arrival with seconds near it is a unit slip. */
    private static final long UNIT_SLIP_WINDOW_MILLIS = 366L * 24 * 3600 * 1000;

    // RFC 3339 allows a space between date and time; ISO_OFFSET_DATE_TIME wants the T.
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .appendOffsetId()
            .toFormatter();

    private final String field;
    private final TimeFormat format;
    private final long maxAheadMillis;
    private long millis;

    EventTimeReader(EventTimeField source) {
        this.field = source.field().toString();
        this.format = source.format();
        this.maxAheadMillis = source.maxAhead().toMillis();
    }

    /** The time the last successful {@link #read} found, in epoch millis. */
    long millis() {
        return millis;
    }

    /** @return null if the slot holds a usable event time (then see {@link #millis()}), else the dead-letter reason */
    String read(EventFields fields, int slot, long arrivalMillis) {
        FieldKind kind = fields.kind(slot);
        if (kind == FieldKind.MISSING) {
            return field + ": missing";
        }
        String problem = switch (format) {
            case EPOCH_MILLIS -> epochMillis(fields, slot, kind, arrivalMillis);
            case EPOCH_SECONDS -> epochSeconds(fields, slot, kind);
            case ISO_8601 -> iso(fields, slot, kind);
        };
        if (problem != null) {
            return problem;
        }
        if (millis < MetricSpec.MIN_EVENT_TIME || millis > MetricSpec.MAX_EVENT_TIME) {
            return field + ": " + shown(fields, slot)
                    + (format == TimeFormat.EPOCH_MILLIS ? OUT_OF_RANGE : OUT_OF_RANGE_ANY_FORMAT);
        }
        if (millis - arrivalMillis > maxAheadMillis) {
            return field + ": " + Instant.ofEpochMilli(millis) + " is more than " + maxAheadText()
                    + " ahead of the record's arrival time " + Instant.ofEpochMilli(arrivalMillis)
                    + " (timestamp.max_ahead)";
        }
        return null;
    }

    private String epochMillis(EventFields fields, int slot, FieldKind kind, long arrivalMillis) {
        if (kind == FieldKind.INTEGER_TOO_LARGE) {
            return field + ": " + fields.text(slot) + OUT_OF_RANGE;
        }
        if (kind != FieldKind.INTEGER) {
            return field + ": expected an integer epoch-millis number, found " + kind.description()
                    + (kind == FieldKind.STRING ? " (for ISO-8601 text set timestamp.format: iso8601)" : "");
        }
        millis = fields.longValue(slot);
        long asSeconds = millis * 1000;
        if (Math.abs(millis) < Long.MAX_VALUE / 1000
                && Math.abs(arrivalMillis - millis) > UNIT_SLIP_WINDOW_MILLIS
                && Math.abs(arrivalMillis - asSeconds) <= UNIT_SLIP_WINDOW_MILLIS) {
            return field + ": " + millis + " read as epoch millis is " + Instant.ofEpochMilli(millis)
                    + ", but as epoch seconds it is " + Instant.ofEpochMilli(asSeconds)
                    + ", near the record's arrival: set timestamp.format: epoch_seconds";
        }
        return null;
    }

    private String epochSeconds(EventFields fields, int slot, FieldKind kind) {
        double seconds;
        if (kind == FieldKind.INTEGER) {
            seconds = fields.longValue(slot);
        } else if (kind == FieldKind.DECIMAL) {
            seconds = fields.doubleValue(slot);
        } else if (kind == FieldKind.INTEGER_TOO_LARGE) {
            return field + ": " + fields.text(slot) + OUT_OF_RANGE;
        } else {
            return field + ": expected an epoch-seconds number, found " + kind.description();
        }
        if (!(Math.abs(seconds) < MetricSpec.MAX_EVENT_TIME / 1000.0 + 1)) {
            return field + ": " + shown(fields, slot) + " seconds" + OUT_OF_RANGE_ANY_FORMAT
                    + (Math.abs(seconds / 1000) < MetricSpec.MAX_EVENT_TIME / 1000.0 ? "; it looks like epoch millis: "
                    + "set timestamp.format: epoch_millis" : "");
        }
        millis = Math.round(seconds * 1000);
        return null;
    }

    private String iso(EventFields fields, int slot, FieldKind kind) {
        String text = kind == FieldKind.STRING ? fields.text(slot) : null;
        if (text == null) {
            return field + ": expected an ISO-8601 time such as 2026-12-02T18:00:00Z, found " + kind.description();
        }
        try {
            millis = OffsetDateTime.parse(text, ISO).toInstant().toEpochMilli();
            return null;
        } catch (DateTimeParseException | ArithmeticException e) {
            return field + ": \"" + text + "\" is not an ISO-8601 time with a zone offset, such as "
                    + "2026-12-02T18:00:00Z or 2026-12-02T19:00:00+01:00";
        }
    }

    private String shown(EventFields fields, int slot) {
        String text = fields.text(slot);
        return text != null ? text : fields.kind(slot) == FieldKind.DECIMAL
                ? Double.toString(fields.doubleValue(slot)) : Long.toString(fields.longValue(slot));
    }

    private String maxAheadText() {
        long seconds = maxAheadMillis / 1000;
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
