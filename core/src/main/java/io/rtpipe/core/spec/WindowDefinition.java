package io.rtpipe.core.spec;

import java.time.Duration;

/** How a metric cuts event time into windows. Windows are half-open, [start, end), aligned to the epoch. */
public sealed interface WindowDefinition {

    /** Back-to-back windows of one size. */
    record Tumbling(Duration size) implements WindowDefinition {
    }

    /** Windows of {@code size} starting every {@code slide}; size is a whole multiple of slide. */
    record Hopping(Duration size, Duration slide) implements WindowDefinition {
    }

    /** A window per key that stays open while events keep arriving less than {@code gap} apart. */
    record Session(Duration gap) implements WindowDefinition {
    }
}
