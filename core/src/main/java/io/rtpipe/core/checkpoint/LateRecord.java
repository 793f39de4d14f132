package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.InputRecord;

import java.time.Instant;
import java.util.Objects;

/**
 * A record that arrived after windows of {@code metric} it belongs to had fired: every window of the metric starting
 * from {@code windowStart} to {@code lastWindowStart} (inclusive) that holds the record's event time. One per record
 * and metric, however many windows it missed (a hopping window of 1000 s sliding by 1 s once kept 1,000 of them, each
 * archived with the record's bytes); late windows are always such a range: they are the ones ending at or below the
 * watermark (or starting at or before a drain), the earliest starts of those holding the event time.
 */
public record LateRecord(InputRecord record, String metric, Instant windowStart, Instant lastWindowStart) {
    public LateRecord {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(lastWindowStart, "lastWindowStart");
        if (lastWindowStart.isBefore(windowStart)) {
            throw new IllegalArgumentException("last window start " + lastWindowStart + " is before " + windowStart);
        }
    }

    /** Late for the one window starting at {@code windowStart} (tumbling windows, sessions). */
    public LateRecord(InputRecord record, String metric, Instant windowStart) {
        this(record, metric, windowStart, windowStart);
    }
}
