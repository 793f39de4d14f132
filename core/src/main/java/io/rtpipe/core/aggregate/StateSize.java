package io.rtpipe.core.aggregate;

/**
 * Upper bounds on the heap one {@link AggregateState} takes, for the memory budget (docs/metrics.md, *Memory
 * budget*): a state that has been handed n values holds at most {@code min(maxBytes, emptyBytes + n · bytesPerValue)}.
 * {@code bytesPerValue} must be the steepest growth over any n (a state that jumps from a small exact form to a
 * sketch at its limit of n values states the sketch's bytes divided by n), so the bound holds for every n, and sums
 * over states stay bounds however the values are spread over them.
 *
 * @param emptyBytes    a fresh state
 * @param bytesPerValue at most this much more per value added
 * @param maxBytes      never more than this, however many values ({@link Long#MAX_VALUE}: unbounded)
 */
public record StateSize(long emptyBytes, long bytesPerValue, long maxBytes) {

    public StateSize {
        if (emptyBytes < 0 || bytesPerValue < 0 || maxBytes < emptyBytes) {
            throw new IllegalArgumentException("a state size needs 0 <= emptyBytes <= maxBytes and bytesPerValue >= 0,"
                    + " got " + emptyBytes + ", " + bytesPerValue + ", " + maxBytes);
        }
    }

    /** A state of one size whatever it is handed (a count, a sum). */
    public static StateSize fixed(long bytes) {
        return new StateSize(bytes, 0, bytes);
    }

    /** At most this many bytes for {@code states} states handed {@code values} values in all, spread any way. */
    public long bound(long states, long values) {
        return Math.min(saturatedMultiply(states, maxBytes),
                saturatedAdd(saturatedMultiply(states, emptyBytes), saturatedMultiply(values, bytesPerValue)));
    }

    /** a · b for non-negative a and b, or {@link Long#MAX_VALUE} if that overflows. */
    public static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }

    /** a + b for non-negative a and b, or {@link Long#MAX_VALUE} if that overflows. */
    public static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
