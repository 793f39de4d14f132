package io.rtpipe.lambda.autoscaler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a stream's target shard count from its recent per-minute metrics. A pure function of its arguments and
 * the {@link ScalingConfig}: no clock, no I/O, so traffic traces can be replayed through it in tests and in the
 * simulation.
 *
 * <p>Scale out fast: when the peak demand of the last {@code scaleOutLookback} minutes needs more shards than open
 * (at the target utilisation), or when writes were throttled, after only the short scale-out cool-down.
 * Scale in slowly: only when the peak of the whole {@code scaleInWindow} fits fewer shards, consumers are not
 * lagging, the long scale-in cool-down has passed and scale-in would not use the scalings reserved for scale-out.
 * Using the window's peak (not its average) for scale-in is what keeps oscillating load from flapping the count.
 * Every target respects AWS's per-call bounds (at most double, at least half) and the rolling-day quota.
 */
public final class ScalingPolicy {

    private final ScalingConfig config;

    public ScalingPolicy(ScalingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public ScalingConfig config() {
        return config;
    }

    /**
     * @param currentShards     open shards now
     * @param window            per-minute metrics, oldest first, ending at the last complete minute
     * @param now               evaluation time
     * @param lastScaling       when the last UpdateShardCount was issued, if ever
     * @param scalingsLast24h   UpdateShardCount calls issued in the 24 hours before {@code now}
     */
    public ScalingDecision decide(int currentShards, List<MinuteMetrics> window, Instant now,
                                  Optional<Instant> lastScaling, int scalingsLast24h) {
        if (currentShards < 1) {
            throw new IllegalArgumentException("a stream has at least one open shard, got " + currentShards);
        }
        List<MinuteMetrics> recent = since(window, now, config.scaleOutLookback());
        if (recent.isEmpty()) {
            return ScalingDecision.hold(currentShards, "no metrics in the last " + minutes(config.scaleOutLookback()));
        }
        // Throttles from before the last reshard settled were against the old shard count: the demand they add is
        // already counted in the estimate, and reacting to them again would overshoot.
        Instant settled = lastScaling.map(t -> t.plus(config.scaleOutCooldown())).orElse(Instant.MIN);
        boolean throttled = recent.stream()
                .anyMatch(m -> m.throttledRecords() > 0 && !m.minute().isBefore(settled));
        int needNow = clamp(peakShardsNeeded(recent));
        if (throttled && needNow <= currentShards) {
            // Accepted traffic hides how much more was offered: add at least one shard.
            needNow = Math.min(config.maxShards(), currentShards + 1);
        }
        if (needNow > currentShards) {
            return scaleOut(currentShards, needNow, throttled, now, lastScaling, scalingsLast24h);
        }
        return scaleInOrHold(currentShards, window, now, lastScaling, scalingsLast24h);
    }

    private ScalingDecision scaleOut(int current, int needed, boolean throttled, Instant now,
                                     Optional<Instant> lastScaling, int scalingsLast24h) {
        String why = throttled ? "writes throttled" : "demand needs " + needed + " shards at "
                + percent(config.targetUtilisation()) + " utilisation";
        if (coolingDown(lastScaling, now, config.scaleOutCooldown())) {
            return ScalingDecision.hold(current, why + ", but the scale-out cool-down is running");
        }
        if (scalingsLast24h >= config.maxScalingsPerDay()) {
            return ScalingDecision.hold(current, why + ", but the " + config.maxScalingsPerDay()
                    + " scalings of the rolling day are used up");
        }
        int withGrowth = Math.max(needed, (int) Math.ceil(current * (1 + config.scaleOutMinGrowth())));
        int target = Math.min(Math.min(withGrowth, 2 * current), config.maxShards());
        String bound = target < needed ? " (capped at double per call)" : "";
        return new ScalingDecision(ScalingDecision.Action.SCALE_OUT, current, target, why + bound);
    }

    private ScalingDecision scaleInOrHold(int current, List<MinuteMetrics> window, Instant now,
                                          Optional<Instant> lastScaling, int scalingsLast24h) {
        List<MinuteMetrics> sustained = since(window, now, config.scaleInWindow());
        int needed = clamp(peakShardsNeeded(sustained));
        if (needed >= current) {
            return ScalingDecision.hold(current, "demand fits " + current + " shards");
        }
        String why = "the peak of the last " + minutes(config.scaleInWindow()) + " fits " + needed + " shards";
        if (needed > Math.floor(current * (1 - config.scaleInMinShrink()))) {
            return ScalingDecision.hold(current, why + ", too small a step to spend a scaling on");
        }
        if (sustained.size() < config.scaleInWindow().toMinutes()) {
            return ScalingDecision.hold(current, why + ", but only " + sustained.size() + " minutes of metrics exist");
        }
        double lag = sustained.stream().mapToDouble(MinuteMetrics::iteratorAgeMillis).max().orElse(0);
        if (lag > config.maxIteratorAgeForScaleIn().toMillis()) {
            return ScalingDecision.hold(current, why + ", but consumers lag " + Math.round(lag / 1000) + " s");
        }
        if (coolingDown(lastScaling, now, config.scaleInCooldown())) {
            return ScalingDecision.hold(current, why + ", but the scale-in cool-down is running");
        }
        if (scalingsLast24h >= config.maxScalingsPerDay() - config.scalingsReservedForScaleOut()) {
            return ScalingDecision.hold(current, why + ", but the remaining scalings of the rolling day are kept "
                    + "for scale-out");
        }
        int halfRoundedUp = (current + 1) / 2;
        int target = Math.max(needed, halfRoundedUp);
        String bound = target > needed ? " (limited to halving per call)" : "";
        return new ScalingDecision(ScalingDecision.Action.SCALE_IN, current, target, why + bound);
    }

    /** Shards needed for one minute's demand at the target utilisation of both per-shard limits. */
    public int shardsNeeded(MinuteMetrics minute) {
        double byBytes = minute.demandBytesPerSecond() / (config.shardBytesPerSecond() * config.targetUtilisation());
        double byRecords = minute.demandRecordsPerSecond()
                / (config.shardRecordsPerSecond() * config.targetUtilisation());
        return (int) Math.ceil(Math.max(byBytes, byRecords) - 1e-9);
    }

    private int peakShardsNeeded(List<MinuteMetrics> minutes) {
        return minutes.stream().mapToInt(this::shardsNeeded).max().orElse(0);
    }

    private int clamp(int shards) {
        return Math.max(config.minShards(), Math.min(config.maxShards(), shards));
    }

    private static boolean coolingDown(Optional<Instant> lastScaling, Instant now, Duration cooldown) {
        return lastScaling.map(last -> now.isBefore(last.plus(cooldown))).orElse(false);
    }

    /** The minutes that started within {@code span} before {@code now}. */
    private static List<MinuteMetrics> since(List<MinuteMetrics> window, Instant now, Duration span) {
        Instant from = now.minus(span);
        return window.stream().filter(m -> !m.minute().isBefore(from) && m.minute().isBefore(now)).toList();
    }

    private static String minutes(Duration span) {
        return span.toMinutes() + " min";
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
}
