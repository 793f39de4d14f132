package io.rtpipe.cli.console;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** Counts seen at instants, summed over a sliding span and divided by it: a rate that sparse writes cannot spike. */
final class RateWindow {

    private record Count(long atMillis, long count) {}

    private final long spanMillis;
    private final long startedMillis;
    private final Deque<Count> counts = new ArrayDeque<>();

    RateWindow(Duration span, long startedMillis) {
        this.spanMillis = span.toMillis();
        this.startedMillis = startedMillis;
    }

    synchronized void add(long atMillis, long count) {
        if (count > 0) {
            counts.addLast(new Count(atMillis, count));
        }
    }

    /** Per second over the span ending at {@code nowMillis}, or over the time since start while that is shorter. */
    synchronized double perSecond(long nowMillis) {
        long from = nowMillis - spanMillis;
        while (!counts.isEmpty() && counts.peekFirst().atMillis() <= from) {
            counts.removeFirst();
        }
        long sum = counts.stream().mapToLong(Count::count).sum();
        long span = Math.max(1_000, Math.min(spanMillis, nowMillis - startedMillis));
        return sum * 1000.0 / span;
    }
}
