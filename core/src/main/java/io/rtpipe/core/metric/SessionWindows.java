package io.rtpipe.core.metric;

import java.time.Duration;
import java.util.Objects;

/**
 * A window per group key that stays open while its events come less than {@code gap} apart (in event time): an
 * event at t spans [t, t + gap); spans of one key that overlap merge into one session [first t, last t + gap).
 * Sessions are computed per shard; see docs/ENGINE.md for how they merge across shards.
 */
public record SessionWindows(Duration gap) implements WindowSpec {

    public SessionWindows {
        Objects.requireNonNull(gap, "gap");
        WindowSpec.checkedMillis("session gap", gap);
    }

    public static SessionWindows withGap(Duration gap) {
        return new SessionWindows(gap);
    }

    public long gapMillis() {
        return gap.toMillis();
    }
}
