package io.rtpipe.producer.kinesis;

import java.time.Duration;

/**
 * Exponential backoff with full jitter: before retry {@code n} (1-based) wait a uniformly random time in
 * {@code [0, min(max, base * 2^(n-1))]}. Full jitter spreads retries of many producers throttled at once, which
 * is exactly the case for ProvisionedThroughputExceeded.
 */
final class Backoff {

    private final long baseNanos;
    private final long maxNanos;

    Backoff(Duration base, Duration max) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The upper bound of the wait before retry {@code retry} (1-based), saturating at max without overflow. */
    long capNanos(int retry) {
        int doublings = Math.max(0, retry - 1);
        if (doublings >= 62 || baseNanos > (maxNanos >> doublings)) {
            return maxNanos;
        }
        return Math.min(maxNanos, baseNanos << doublings);
    }

    /** The wait before retry {@code retry}, given a uniform random number in [0, 1). */
    long delayNanos(int retry, double uniform01) {
        return (long) (capNanos(retry) * uniform01);
    }
}
