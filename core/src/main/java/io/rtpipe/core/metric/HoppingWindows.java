package io.rtpipe.core.metric;

import java.time.Duration;
import java.util.Objects;

/**
 * Windows of {@code size} starting every {@code slide} (aligned to the epoch), so each event time lies in
 * size / slide windows. The slide must divide the size; at most {@link #MAX_WINDOWS_PER_EVENT} windows per event
 * (each holds its own state).
 */
public record HoppingWindows(Duration size, Duration slide) implements WindowAssigner {
    public static final int MAX_WINDOWS_PER_EVENT = 1_000;

    public HoppingWindows {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(slide, "slide");
        long sizeMillis = WindowSpec.checkedMillis("hopping window size", size);
        long slideMillis = WindowSpec.checkedMillis("hopping window slide", slide);
        if (sizeMillis % slideMillis != 0 || sizeMillis / slideMillis > MAX_WINDOWS_PER_EVENT) {
            throw new IllegalArgumentException("a hopping window's slide must divide its size into at most "
                    + MAX_WINDOWS_PER_EVENT + " steps, got size " + size + " and slide " + slide);
        }
    }

    public static HoppingWindows of(Duration size, Duration slide) {
        return new HoppingWindows(size, slide);
    }

    @Override
    public long sizeMillis() {
        return size.toMillis();
    }

    @Override
    public int windowsPerEvent() {
        return (int) (size.toMillis() / slide.toMillis());
    }

    @Override
    public long windowStart(long eventTime, int n) {
        long slideMillis = slide.toMillis();
        return (Math.floorDiv(eventTime, slideMillis) - n) * slideMillis;
    }
}
