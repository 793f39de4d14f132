package io.rtpipe.core.metric;

import java.time.Duration;
import java.util.Objects;

/**
 * A window per group key that stays open while its events come less than {@code gap} apart (in event time): an
 * event at t spans [t, t + gap); spans of one key that overlap merge into one session [first t, last t + gap).
 * No session crosses a multiple of {@code maxLength} since the epoch: an event's span ends at the next one at the
 * latest, so a key that is always active still has its sessions closed (and the checkpoint moves on) at least every
 * {@code maxLength}, decided by event time alone, so replays cut alike. Sessions are computed per shard; see
 * docs/ENGINE.md for how they merge across shards.
 */
public record SessionWindows(Duration gap, Duration maxLength) implements KeyedWindows {

    /** The default maximum length (or the gap, if that is longer): sessions are cut at midnight UTC. */
    public static final Duration DEFAULT_MAX_LENGTH = Duration.ofDays(1);

    public SessionWindows {
        Objects.requireNonNull(gap, "gap");
        Objects.requireNonNull(maxLength, "maxLength");
        WindowSpec.checkedMillis("session gap", gap);
        WindowSpec.checkedMillis("session max length", maxLength);
        if (maxLength.compareTo(gap) < 0) {
            throw new IllegalArgumentException("session max length " + maxLength + " is shorter than its gap " + gap);
        }
    }

    /** Sessions of at most {@link #DEFAULT_MAX_LENGTH} (or {@code gap}, if longer). */
    public static SessionWindows withGap(Duration gap) {
        return new SessionWindows(gap, gap.compareTo(DEFAULT_MAX_LENGTH) > 0 ? gap : DEFAULT_MAX_LENGTH);
    }

    public SessionWindows withMaxLength(Duration maxLength) {
        return new SessionWindows(gap, maxLength);
    }

    public long gapMillis() {
        return gap.toMillis();
    }

    @Override
    public long maxLengthMillis() {
        return maxLength.toMillis();
    }

    @Override
    public long sliceMillis() {
        return gap.toMillis();
    }

    /** Where the span of an event at {@code t} ends: one gap later, or at the next multiple of the maximum length. */
    @Override
    public long spanEnd(long t) {
        return Math.min(t + gap.toMillis(), cutAfter(t));
    }
}
