package io.rtpipe.core.spec;

import java.time.Duration;

/** Drop events whose {@code field} (an event id) was already seen within {@code horizon} of event time. */
public record DedupDefinition(FieldPath field, Duration horizon) {
}
