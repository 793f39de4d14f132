package io.rtpipe.core.publish;

import java.time.Instant;
import java.util.Optional;

/**
 * Per (metric, sink), the instant through which the metric's windows were published: every window starting before
 * it went to the sink. Stored only after the sink's publish returned, so a crash in between publishes that range
 * again.
 */
public interface PublishCursorPort {
    Optional<Instant> load(String metric, String sink);

    /** Records {@code through}; a store may keep a later instant another worker stored (ranges are idempotent). */
    void store(String metric, String sink, Instant through);
}
