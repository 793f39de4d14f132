package io.rtpipe.connectors.sink;

import io.rtpipe.connectors.retry.Backoff;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a sink retries a failed write: rtpipe's one {@link Backoff} schedule (exponential, full
 * jitter), bounded by {@link #maxAttempts()}. Immutable.
 *
 * <p>Defaults ({@link #defaults()}): 6 attempts, first delay 100 ms, delay cap 5 s, so a write gives up after
 * roughly 10 s of failures; the consumer then keeps its state and retries on its next call.
 *
 * @param maxAttempts  total attempts including the first, at least 1
 * @param initialDelay delay cap before the second attempt; doubles per attempt
 * @param maxDelay     upper bound of any single delay
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay, got " + initialDelay + ", " + maxDelay);
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    /** A single attempt: no retries (tests, or callers that retry on their own schedule). */
    public static RetryPolicy noRetries() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** The delay before attempt {@code attempt + 1}, after {@code attempt} failed attempts (1-based); jittered. */
    public Duration delayAfter(int attempt) {
        return Duration.ofNanos(new Backoff(initialDelay, maxDelay).delayNanos(attempt, ThreadLocalRandom.current().nextDouble()));
    }

    /** Sleeps {@link #delayAfter(int)}; an interrupt ends the wait early and is kept on the thread. */
    public void sleepAfter(int attempt) {
        try {
            Thread.sleep(delayAfter(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
