package io.rtpipe.connectors.retry;

import java.time.Duration;

/**
 * Exponential backoff with full jitter, the one retry schedule of rtpipe (the producer's PutRecords retries and the
 * sinks' {@code RetryPolicy}): before retry {@code n} (1-based) wait a uniformly random time in
 * {@code [0, min(max, base * 2^(n-1))]}. Full jitter spreads the retries of many clients throttled at once, which is
 * exactly the case for ProvisionedThroughputExceeded and DynamoDB throttling. Immutable.
 */
public final class Backoff {

    private final long baseNanos;
    private final long maxNanos;

    public Backoff(Duration base, Duration max) {
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= max, got " + base + ", " + max);
        }
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The upper bound of the wait before retry {@code retry} (1-based), saturating at max without overflow. */
    public long capNanos(int retry) {
        int doublings = Math.max(0, retry - 1);
        if (doublings >= 62 || baseNanos > (maxNanos >> doublings)) {
            return maxNanos;
        }
        return Math.min(maxNanos, baseNanos << doublings);
    }

    /** The wait before retry {@code retry}, given a uniform random number in [0, 1). */
    public long delayNanos(int retry, double uniform01) {
        return (long) (capNanos(retry) * uniform01);
    }
}
