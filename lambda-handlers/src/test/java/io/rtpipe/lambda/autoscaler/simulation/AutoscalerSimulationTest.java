package io.rtpipe.lambda.autoscaler.simulation;

import io.rtpipe.lambda.autoscaler.ScalingConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AutoscalerSimulationTest {

    @Test
    void reportStatesThePricesItAssumedAndEveryMode() {
        String report = AutoscalerSimulation.defaultDay(42).report();
        assertThat(report).contains("provisioned + rtpipe autoscaler", "fixed at hindsight peak", "on-demand",
                "$0.015 per shard-hour", "$0.080 per GB in", "assumed");
    }

    @Test
    void costsFollowFromThePrices() {
        // Constant 1,000 records/s of 1 KiB for a day with a fixed minimum of 4 shards (never scales: 70 % of 4
        // shards is 2,800 records/s): 96 shard-hours; 86.4 M records = 86.4 M PUT payload units; 82.4 GB in.
        TrafficTrace flat = TrafficTrace.of("flat", 1440, 1024, m -> 1000);
        KinesisPrices prices = new KinesisPrices("test prices", 1.0, 1.0, 1.0, 1.0, 1.0);
        String report = new AutoscalerSimulation(flat, ScalingConfig.builder().minShards(4).build(), prices,
                Duration.ofMinutes(3), 1).report();
        double gb = 86_400_000.0 * 1024 / (1024.0 * 1024 * 1024);
        String autoscaledRow = report.lines().filter(l -> l.startsWith("provisioned + rtpipe")).findFirst().orElseThrow();
        assertThat(autoscaledRow.trim().split("\\s+")).endsWith("96.0", "0", "0", String.format("%.2f", 96 + 86.4));
        String onDemandRow = report.lines().filter(l -> l.startsWith("on-demand")).findFirst().orElseThrow();
        assertThat(onDemandRow).endsWith(String.format("%.2f", 24 + 2 * gb));
    }
}
