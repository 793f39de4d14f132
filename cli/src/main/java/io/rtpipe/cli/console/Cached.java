package io.rtpipe.cli.console;

import java.time.Duration;
import java.util.function.Supplier;

/** A value recomputed at most once per {@code ttl}: many open pages cost the same AWS calls as one. */
final class Cached<T> {

    private final Supplier<T> compute;
    private final long ttlNanos;
    private T value;
    private long computedAt;

    Cached(Duration ttl, Supplier<T> compute) {
        this.compute = compute;
        this.ttlNanos = ttl.toNanos();
    }

    synchronized T get() {
        long now = System.nanoTime();
        if (value == null || now - computedAt >= ttlNanos) {
            value = compute.get();
            computedAt = now;
        }
        return value;
    }
}
