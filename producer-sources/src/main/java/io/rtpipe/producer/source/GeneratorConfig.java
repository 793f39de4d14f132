package io.rtpipe.producer.source;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link GeneratorSource} produces. Immutable; build with {@link #builder()}. Defaults:
 * <ul>
 *   <li>{@code seed}: drawn at random (set it to reproduce a run: same seed and clock give the same events);</li>
 *   <li>{@code eventsPerSecond} 1,000 (0 = as fast as possible); {@code maxEvents} 0 (= unbounded);</li>
 *   <li>{@code users} 10,000, {@code pages} 1,000, {@code skew} 1.0 (Zipf exponent; 0 = uniform);</li>
 *   <li>{@code maxDisorder} 0: event time is the generation time; above 0 each event's {@code ts} lies up to this
 *       far in the past, so events arrive out of order;</li>
 *   <li>{@code clock} the system UTC clock.</li>
 * </ul>
 */
public final class GeneratorConfig {

    private final long seed;
    private final double eventsPerSecond;
    private final long maxEvents;
    private final int users;
    private final int pages;
    private final double skew;
    private final Duration maxDisorder;
    private final Clock clock;

    private GeneratorConfig(Builder b) {
        this.seed = b.seed;
        this.eventsPerSecond = b.eventsPerSecond;
        this.maxEvents = b.maxEvents;
        this.users = b.users;
        this.pages = b.pages;
        this.skew = b.skew;
        this.maxDisorder = Objects.requireNonNull(b.maxDisorder, "maxDisorder");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        if (eventsPerSecond < 0 || Double.isNaN(eventsPerSecond)) {
            throw new IllegalArgumentException("eventsPerSecond must be zero (unpaced) or positive, got " + eventsPerSecond);
        }
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents must be zero (unbounded) or positive, got " + maxEvents);
        }
        if (users < 1 || pages < 1) {
            throw new IllegalArgumentException("users and pages must be at least 1, got " + users + " and " + pages);
        }
        if (skew < 0 || Double.isNaN(skew)) {
            throw new IllegalArgumentException("skew must be zero (uniform) or positive, got " + skew);
        }
        if (maxDisorder.isNegative()) {
            throw new IllegalArgumentException("maxDisorder must not be negative, got " + maxDisorder);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public long seed() { return seed; }
    public double eventsPerSecond() { return eventsPerSecond; }
    public long maxEvents() { return maxEvents; }
    public int users() { return users; }
    public int pages() { return pages; }
    public double skew() { return skew; }
    public Duration maxDisorder() { return maxDisorder; }
    public Clock clock() { return clock; }

    @Override
    public String toString() {
        return "GeneratorConfig{seed=" + seed + ", eventsPerSecond=" + eventsPerSecond + ", maxEvents=" + maxEvents
                + ", users=" + users + ", pages=" + pages + ", skew=" + skew + ", maxDisorder=" + maxDisorder + "}";
    }

    public static final class Builder {
        private long seed = System.nanoTime() ^ Double.doubleToLongBits(Math.random());
        private double eventsPerSecond = 1_000;
        private long maxEvents;
        private int users = 10_000;
        private int pages = 1_000;
        private double skew = 1.0;
        private Duration maxDisorder = Duration.ZERO;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder seed(long value) { this.seed = value; return this; }
        public Builder eventsPerSecond(double value) { this.eventsPerSecond = value; return this; }
        public Builder maxEvents(long value) { this.maxEvents = value; return this; }
        public Builder users(int value) { this.users = value; return this; }
        public Builder pages(int value) { this.pages = value; return this; }
        public Builder skew(double value) { this.skew = value; return this; }
        public Builder maxDisorder(Duration value) { this.maxDisorder = value; return this; }
        public Builder clock(Clock value) { this.clock = value; return this; }

        public GeneratorConfig build() {
            return new GeneratorConfig(this);
        }
    }
}
