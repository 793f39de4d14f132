package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.InputRecord;

import java.time.Instant;
import java.util.Objects;

/** A record that arrived after the window of {@code metric} starting at {@code windowStart} had fired. */
public record LateRecord(InputRecord record, String metric, Instant windowStart) {
    public LateRecord {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(windowStart, "windowStart");
    }
}
