package io.rtpipe.lambda.autoscaler;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the {@link ScalingPolicy}. Immutable; build with {@link #builder()}. Defaults:
 * <ul>
 *   <li>{@code targetUtilisation} 0.7 of the per-shard write limits, which are
 *       {@code shardBytesPerSecond} 1 MiB/s and {@code shardRecordsPerSecond} 1,000 records/s (AWS's provisioned-mode
 *       limits);</li>
 *   <li>{@code minShards} 1, {@code maxShards} 64;</li>
 *   <li>{@code scaleOutLookback} 3 minutes: the peak demand of the last three minutes drives scale-out;</li>
 *   <li>{@code scaleOutCooldown} 5 minutes after any scaling before the next scale-out (a reshard takes a few
 *       minutes and the metrics of the old shard count must age out);</li>
 *   <li>{@code scaleInWindow} 60 minutes: scale-in only when the peak of the whole last hour fits fewer shards;</li>
 *   <li>{@code scaleInCooldown} 60 minutes after any scaling before a scale-in;</li>
 *   <li>{@code maxIteratorAgeForScaleIn} 60 s: no scale-in while consumers lag more than this (a reshard adds
 *       parent/child hand-offs to a consumer that is already behind);</li>
 *   <li>{@code maxScalingsPerDay} 10 and {@code scalingsReservedForScaleOut} 2: AWS allows ten UpdateShardCount
 *       calls per rolling 24 hours per stream; scale-in may not use the last two, so a burst can still be met;</li>
 *   <li>{@code scaleOutMinGrowth} 0.5: a scale-out adds at least half the current shards, and
 *       {@code scaleInMinShrink} 0.25: a scale-in removes at least a quarter of them. Many one-shard steps would
 *       spend the ten daily scalings by noon of a rising day.</li>
 * </ul>
 */
public final class ScalingConfig {

    /**
     * AWS UpdateShardCount default limits (Kinesis API reference, UpdateShardCount, checked 2026-11): no more than ten
     * scalings per rolling 24-hour period per stream, no target above double or below half the current open shard
     * count, at most 10,000 shards per stream unless raised.
     */
    public static final int AWS_SCALINGS_PER_ROLLING_DAY = 10;
    public static final int AWS_MAX_SHARDS_PER_STREAM = 10_000;
    /** Provisioned-mode write limits of one shard. */
    public static final double AWS_SHARD_BYTES_PER_SECOND = 1024 * 1024;
    public static final double AWS_SHARD_RECORDS_PER_SECOND = 1000;

    private final double targetUtilisation;
    private final double shardBytesPerSecond;
    private final double shardRecordsPerSecond;
    private final int minShards;
    private final int maxShards;
    private final Duration scaleOutLookback;
    private final Duration scaleOutCooldown;
    private final Duration scaleInWindow;
    private final Duration scaleInCooldown;
    private final Duration maxIteratorAgeForScaleIn;
    private final int maxScalingsPerDay;
    private final int scalingsReservedForScaleOut;
    private final double scaleOutMinGrowth;
    private final double scaleInMinShrink;

    private ScalingConfig(Builder b) {
        this.targetUtilisation = b.targetUtilisation;
        this.shardBytesPerSecond = b.shardBytesPerSecond;
        this.shardRecordsPerSecond = b.shardRecordsPerSecond;
        this.minShards = b.minShards;
        this.maxShards = b.maxShards;
        this.scaleOutLookback = Objects.requireNonNull(b.scaleOutLookback, "scaleOutLookback");
        this.scaleOutCooldown = Objects.requireNonNull(b.scaleOutCooldown, "scaleOutCooldown");
        this.scaleInWindow = Objects.requireNonNull(b.scaleInWindow, "scaleInWindow");
        this.scaleInCooldown = Objects.requireNonNull(b.scaleInCooldown, "scaleInCooldown");
        this.maxIteratorAgeForScaleIn = Objects.requireNonNull(b.maxIteratorAgeForScaleIn, "maxIteratorAgeForScaleIn");
        this.maxScalingsPerDay = b.maxScalingsPerDay;
        this.scalingsReservedForScaleOut = b.scalingsReservedForScaleOut;
        this.scaleOutMinGrowth = b.scaleOutMinGrowth;
        this.scaleInMinShrink = b.scaleInMinShrink;
        require(scaleOutMinGrowth >= 0 && scaleOutMinGrowth <= 1, "scaleOutMinGrowth must be in [0, 1]");
        require(scaleInMinShrink >= 0 && scaleInMinShrink <= 0.5, "scaleInMinShrink must be in [0, 0.5]");
        require(targetUtilisation > 0 && targetUtilisation <= 1, "targetUtilisation must be in (0, 1]");
        require(shardBytesPerSecond > 0 && shardRecordsPerSecond > 0, "per-shard limits must be positive");
        require(minShards >= 1, "minShards must be at least 1");
        require(maxShards >= minShards, "maxShards must be at least minShards");
        require(maxShards <= AWS_MAX_SHARDS_PER_STREAM, "maxShards must be at most " + AWS_MAX_SHARDS_PER_STREAM);
        require(scaleOutLookback.toMinutes() >= 1, "scaleOutLookback must be at least one minute");
        require(scaleInWindow.compareTo(scaleOutLookback) >= 0, "scaleInWindow must be at least scaleOutLookback");
        require(!scaleOutCooldown.isNegative() && !scaleInCooldown.isNegative(), "cool-downs must not be negative");
        require(maxScalingsPerDay >= 1 && maxScalingsPerDay <= AWS_SCALINGS_PER_ROLLING_DAY,
                "maxScalingsPerDay must be between 1 and " + AWS_SCALINGS_PER_ROLLING_DAY);
        require(scalingsReservedForScaleOut >= 0 && scalingsReservedForScaleOut < maxScalingsPerDay,
                "scalingsReservedForScaleOut must be below maxScalingsPerDay");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ScalingConfig defaults() {
        return builder().build();
    }

    public double targetUtilisation() {
        return targetUtilisation;
    }

    public double shardBytesPerSecond() {
        return shardBytesPerSecond;
    }

    public double shardRecordsPerSecond() {
        return shardRecordsPerSecond;
    }

    public int minShards() {
        return minShards;
    }

    public int maxShards() {
        return maxShards;
    }

    public Duration scaleOutLookback() {
        return scaleOutLookback;
    }

    public Duration scaleOutCooldown() {
        return scaleOutCooldown;
    }

    public Duration scaleInWindow() {
        return scaleInWindow;
    }

    public Duration scaleInCooldown() {
        return scaleInCooldown;
    }

    public Duration maxIteratorAgeForScaleIn() {
        return maxIteratorAgeForScaleIn;
    }

    public int maxScalingsPerDay() {
        return maxScalingsPerDay;
    }

    public int scalingsReservedForScaleOut() {
        return scalingsReservedForScaleOut;
    }

    public double scaleOutMinGrowth() {
        return scaleOutMinGrowth;
    }

    public double scaleInMinShrink() {
        return scaleInMinShrink;
    }

    @Override
    public String toString() {
        return "ScalingConfig{targetUtilisation=" + targetUtilisation + ", shards=" + minShards + ".." + maxShards
                + ", scaleOutLookback=" + scaleOutLookback + ", scaleOutCooldown=" + scaleOutCooldown
                + ", scaleInWindow=" + scaleInWindow + ", scaleInCooldown=" + scaleInCooldown
                + ", maxIteratorAgeForScaleIn=" + maxIteratorAgeForScaleIn + ", maxScalingsPerDay=" + maxScalingsPerDay
                + ", reservedForScaleOut=" + scalingsReservedForScaleOut + ", scaleOutMinGrowth=" + scaleOutMinGrowth
                + ", scaleInMinShrink=" + scaleInMinShrink + "}";
    }

    public static final class Builder {
        private double targetUtilisation = 0.7;
        private double shardBytesPerSecond = AWS_SHARD_BYTES_PER_SECOND;
        private double shardRecordsPerSecond = AWS_SHARD_RECORDS_PER_SECOND;
        private int minShards = 1;
        private int maxShards = 64;
        private Duration scaleOutLookback = Duration.ofMinutes(3);
        private Duration scaleOutCooldown = Duration.ofMinutes(5);
        private Duration scaleInWindow = Duration.ofMinutes(60);
        private Duration scaleInCooldown = Duration.ofMinutes(60);
        private Duration maxIteratorAgeForScaleIn = Duration.ofSeconds(60);
        private int maxScalingsPerDay = AWS_SCALINGS_PER_ROLLING_DAY;
        private int scalingsReservedForScaleOut = 2;
        private double scaleOutMinGrowth = 0.5;
        private double scaleInMinShrink = 0.25;

        private Builder() {
        }

        public Builder targetUtilisation(double targetUtilisation) {
            this.targetUtilisation = targetUtilisation;
            return this;
        }

        public Builder shardBytesPerSecond(double shardBytesPerSecond) {
            this.shardBytesPerSecond = shardBytesPerSecond;
            return this;
        }

        public Builder shardRecordsPerSecond(double shardRecordsPerSecond) {
            this.shardRecordsPerSecond = shardRecordsPerSecond;
            return this;
        }

        public Builder minShards(int minShards) {
            this.minShards = minShards;
            return this;
        }

        public Builder maxShards(int maxShards) {
            this.maxShards = maxShards;
            return this;
        }

        public Builder scaleOutLookback(Duration scaleOutLookback) {
            this.scaleOutLookback = scaleOutLookback;
            return this;
        }

        public Builder scaleOutCooldown(Duration scaleOutCooldown) {
            this.scaleOutCooldown = scaleOutCooldown;
            return this;
        }

        public Builder scaleInWindow(Duration scaleInWindow) {
            this.scaleInWindow = scaleInWindow;
            return this;
        }

        public Builder scaleInCooldown(Duration scaleInCooldown) {
            this.scaleInCooldown = scaleInCooldown;
            return this;
        }

        public Builder maxIteratorAgeForScaleIn(Duration maxIteratorAgeForScaleIn) {
            this.maxIteratorAgeForScaleIn = maxIteratorAgeForScaleIn;
            return this;
        }

        public Builder maxScalingsPerDay(int maxScalingsPerDay) {
            this.maxScalingsPerDay = maxScalingsPerDay;
            return this;
        }

        public Builder scalingsReservedForScaleOut(int scalingsReservedForScaleOut) {
            this.scalingsReservedForScaleOut = scalingsReservedForScaleOut;
            return this;
        }

        public Builder scaleOutMinGrowth(double scaleOutMinGrowth) {
            this.scaleOutMinGrowth = scaleOutMinGrowth;
            return this;
        }

        public Builder scaleInMinShrink(double scaleInMinShrink) {
            this.scaleInMinShrink = scaleInMinShrink;
            return this;
        }

        public ScalingConfig build() {
            return new ScalingConfig(this);
        }
    }
}
