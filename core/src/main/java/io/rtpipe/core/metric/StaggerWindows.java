package io.rtpipe.core.metric;

import java.time.Duration;
import java.util.Objects;

/**
 * A window per group key that opens at the key's first event (in event time) and lasts {@code size}: an event at t
 * joins the key's open window holding t, or opens [t, t + size); so the key's next event at or after a window's end
 * opens the next one (Kinesis Data Analytics' stagger windows, on event time). A window opened below a later open
 * window of its key (disorder) ends where that one starts, so a key's windows never overlap. No window crosses a
 * multiple of {@code maxLength} since the epoch: a window's start depends on the key's earlier windows, and the cut
 * bounds that chain, so replays open alike (docs/ENGINE.md). Computed per shard, like sessions.
 */
public record StaggerWindows(Duration size, Duration maxLength) implements KeyedWindows {

    public StaggerWindows {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(maxLength, "maxLength");
        WindowSpec.checkedMillis("stagger window size", size);
        WindowSpec.checkedMillis("stagger window max length", maxLength);
    }

    /** Stagger windows cut at {@link SessionWindows#DEFAULT_MAX_LENGTH} (or {@code size}, if longer). */
    public static StaggerWindows of(Duration size) {
        return new StaggerWindows(size, size.compareTo(SessionWindows.DEFAULT_MAX_LENGTH) > 0
                ? size : SessionWindows.DEFAULT_MAX_LENGTH);
    }

    public StaggerWindows withMaxLength(Duration maxLength) {
        return new StaggerWindows(size, maxLength);
    }

    public long sizeMillis() {
        return size.toMillis();
    }

    @Override
    public long maxLengthMillis() {
        return maxLength.toMillis();
    }

    @Override
    public long sliceMillis() {
        return size.toMillis();
    }

    @Override
    public long spanEnd(long t) {
        return Math.min(t + size.toMillis(), cutAfter(t));
    }
}
