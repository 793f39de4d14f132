package io.rtpipe.core.metric;

import java.time.Duration;
import java.util.Objects;

/** Back-to-back windows of one size, aligned to the epoch: [k·size, (k+1)·size). */
public record TumblingWindows(Duration size) implements WindowAssigner {

    public TumblingWindows {
        Objects.requireNonNull(size, "size");
        WindowSpec.checkedMillis("tumbling window size", size);
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
