package io.rtpipe.lambda.autoscaler.simulation;

import io.rtpipe.lambda.autoscaler.ScalingConfig;
import io.rtpipe.lambda.autoscaler.ScalingPolicy;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Replays a synthetic day of traffic (diurnal curve with bursts, seeded) through the autoscaler policy and compares
 * the cost of provisioned mode with the autoscaler, provisioned mode fixed at the day's peak, and on-demand mode.
 * {@code rtpipe simulate-autoscaler} prints {@link #report()}.
 */
public final class AutoscalerSimulation {

    private final TrafficTrace trace;
    private final ScalingConfig config;
    private final KinesisPrices prices;
    private final Duration reshardDuration;
    private final int consumers;

    /**
     * @param reshardDuration how long UpdateShardCount takes ("a few minutes" per the API reference)
     * @param consumers       shared-throughput consumer applications reading every record (on-demand bills reads)
     */
    public AutoscalerSimulation(TrafficTrace trace, ScalingConfig config, KinesisPrices prices,
                                Duration reshardDuration, int consumers) {
        this.trace = Objects.requireNonNull(trace, "trace");
        this.config = Objects.requireNonNull(config, "config");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.reshardDuration = Objects.requireNonNull(reshardDuration, "reshardDuration");
        this.consumers = consumers;
    }

    /** The default scenario: 300 to 3,000 records/s of 1 KiB, eight bursts, default policy, 3-minute reshards. */
    public static AutoscalerSimulation defaultDay(long seed) {
        return new AutoscalerSimulation(TrafficTrace.diurnalDay(seed, 300, 3000, 1024, 8),
                ScalingConfig.defaults(), KinesisPrices.US_EAST_1, Duration.ofMinutes(3), 1);
    }

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 42L;
        System.out.print(defaultDay(seed).report());
    }

    /** Runs the simulation and returns the report table as text. */
    public String report() {
        ScalingPolicy policy = new ScalingPolicy(config);
        // Start the day with what the policy would have chosen for the first minute's load.
        int initialShards = Math.max(config.minShards(), policy.shardsNeeded(PolicyReplay.offered(trace.at(0))));
        ReplayResult autoscaled = new PolicyReplay(policy, reshardDuration).replay(trace, initialShards);
        int peakShards = config.minShards();
        for (Demand d : trace.minutes()) {
            peakShards = Math.max(peakShards, shardsForFullLoad(d));
        }
        double hours = trace.length() / 60.0;
        double records = 0;
        double putPayloadUnits = 0;
        double onDemandBytes = 0;
        for (Demand d : trace.minutes()) {
            double minuteRecords = d.recordsPerSecond() * 60;
            records += minuteRecords;
            putPayloadUnits += minuteRecords * Math.ceil(d.recordBytes() / KinesisPrices.PUT_PAYLOAD_UNIT_BYTES);
            onDemandBytes += minuteRecords * Math.ceil(d.recordBytes() / KinesisPrices.ON_DEMAND_BILLING_UNIT_BYTES)
                    * KinesisPrices.ON_DEMAND_BILLING_UNIT_BYTES;
        }
        double putCost = putPayloadUnits / 1e6 * prices.perMillionPutPayloadUnits();
        double autoscaledCost = autoscaled.shardHours() * prices.shardHour() + putCost;
        double fixedShardHours = peakShards * hours;
        double fixedCost = fixedShardHours * prices.shardHour() + putCost;
        double gb = onDemandBytes / KinesisPrices.GB;
        double onDemandCost = hours * prices.onDemandStreamHour() + gb * prices.onDemandPerGbIn()
                + gb * consumers * prices.onDemandPerGbOut();

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Trace: %s, %d minutes, %.1f M records, %.1f GB%n",
                trace.name(), trace.length(), records / 1e6, gb));
        out.append("Policy: ").append(config).append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "Reshard takes %d min; %d consumer application(s).%n%n",
                reshardDuration.toMinutes(), consumers));
        out.append(String.format(Locale.ROOT, "%-34s %11s %9s %10s %10s%n",
                "mode", "shard-hours", "scalings", "throttled", "USD/day"));
        out.append(String.format(Locale.ROOT, "%-34s %11.1f %9d %10d %10.2f%n",
                "provisioned + rtpipe autoscaler", autoscaled.shardHours(), autoscaled.scalings().size(),
                autoscaled.throttledMinutes(), autoscaledCost));
        out.append(String.format(Locale.ROOT, "%-34s %11.1f %9d %10d %10.2f%n",
                "fixed at hindsight peak (" + peakShards + " shards)", fixedShardHours, 0, 0, fixedCost));
        out.append(String.format(Locale.ROOT, "%-34s %11s %9s %10s %10.2f%n",
                "on-demand", "-", "-", "0*", onDemandCost));
        out.append(System.lineSeparator());
        out.append("throttled = minutes in which offered load exceeded the open shards' write limits.").append(System.lineSeparator());
        out.append("* on-demand is assumed to absorb the trace (it adapts to twice the previous 30-day peak).")
                .append(System.lineSeparator());
        out.append(String.format(Locale.ROOT, "Prices assumed (%s):%n", prices.asOf()));
        out.append(String.format(Locale.ROOT, "  provisioned: $%.3f per shard-hour, $%.3f per million PUT payload units"
                + " (25 KB)%n", prices.shardHour(), prices.perMillionPutPayloadUnits()));
        out.append(String.format(Locale.ROOT, "  on-demand:   $%.3f per stream-hour, $%.3f per GB in, $%.3f per GB out"
                + " (records rounded up to 1 KB)%n", prices.onDemandStreamHour(), prices.onDemandPerGbIn(),
                prices.onDemandPerGbOut()));
        out.append("Autoscaler actions:").append(System.lineSeparator());
        for (ReplayResult.Scaling s : autoscaled.scalings()) {
            out.append(String.format(Locale.ROOT, "  %02d:%02d %s%n", s.minute() / 60, s.minute() % 60, s.decision()));
        }
        return out.toString();
    }

    /** Shards that carry this minute's load at 100 % of the per-shard limits. */
    private int shardsForFullLoad(Demand d) {
        double byRecords = d.recordsPerSecond() / config.shardRecordsPerSecond();
        double byBytes = d.bytesPerSecond() / config.shardBytesPerSecond();
        return (int) Math.ceil(Math.max(byRecords, byBytes));
    }
}
