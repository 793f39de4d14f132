package io.rtpipe.core.metric;

/**
 * Windows opened by a key's own events rather than aligned to the epoch: {@link SessionWindows} (ended by a gap) and
 * {@link StaggerWindows} (ended a fixed length after their first event). Each event spans [t, {@link #spanEnd}(t)),
 * and no span crosses a multiple of {@link #maxLengthMillis()} since the epoch, so a window's existence depends on
 * the events since the last such cut alone (replays cut alike). The engine computes them per shard and key; readers
 * merge a key's shard partials only when they start at the same time.
 */
public sealed interface KeyedWindows extends WindowSpec permits SessionWindows, StaggerWindows {

    /** Where the span of an event at {@code t} ends: its own length later, or at the next cut at the latest. */
    long spanEnd(long t);

    /** The cut: no window crosses a multiple of this since the epoch. */
    long maxLengthMillis();

    /** The length of the epoch-aligned slices of event time the key cap admits keys per (docs/ENGINE.md). */
    long sliceMillis();

    /** The next cut above {@code t}. */
    default long cutAfter(long t) {
        long maxLength = maxLengthMillis();
        return Math.floorDiv(t, maxLength) * maxLength + maxLength;
    }
}
