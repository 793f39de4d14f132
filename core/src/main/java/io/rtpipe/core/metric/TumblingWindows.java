package io.rtpipe.core.metric;

import java.time.Duration;
import java.util.Objects;

/**
 * Back-to-back windows of one size, aligned to the epoch: [k·size, (k+1)·size). Times before 1970 are floored too,
 * so -1 ms lies in [-size, 0).
 */
public record TumblingWindows(Duration size) implements WindowAssigner {
    /** The longest window accepted: state for a window is kept until it closes, so years-long windows make no sense. */
    public static final Duration MAX_SIZE = Duration.ofDays(366);

    public TumblingWindows {
        Objects.requireNonNull(size, "size");
        if (size.toMillis() < 1 || size.compareTo(MAX_SIZE) > 0) {
            throw new IllegalArgumentException("tumbling window size must be between 1 ms and " + MAX_SIZE.toDays()
                    + " days, got " + size);
        }
    }

    public static TumblingWindows of(Duration size) {
        return new TumblingWindows(size);
    }

    @Override
    public long sizeMillis() {
        return size.toMillis();
    }

    @Override
    public int windowsPerEvent() {
        return 1;
    }

    @Override
    public long windowStart(long eventTime, int n) {
        return Math.floorDiv(eventTime, size.toMillis()) * size.toMillis();
    }
}
