package io.rtpipe.core.metric;

import java.time.Duration;

/**
 * How a metric cuts event time into windows: fixed windows ({@link WindowAssigner}: tumbling or hopping) or
 * per-key {@link KeyedWindows} (sessions, stagger windows). Windows are half-open, [start, end).
 */
public sealed interface WindowSpec permits WindowAssigner, KeyedWindows {
    /** The longest window or session gap accepted: state for a window is kept until it closes. */
    Duration MAX_SIZE = Duration.ofDays(366);

    static long checkedMillis(String what, Duration duration) {
        if (duration.toMillis() < 1 || duration.compareTo(MAX_SIZE) > 0) {
            throw new IllegalArgumentException(what + " must be between 1 ms and " + MAX_SIZE.toDays()
                    + " days, got " + duration);
        }
        return duration.toMillis();
    }
}
