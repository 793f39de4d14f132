package io.rtpipe.lambda.autoscaler;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.rtpipe.lambda.autoscaler.ScalingDecision.Action.HOLD;
import static io.rtpipe.lambda.autoscaler.ScalingDecision.Action.SCALE_IN;
import static io.rtpipe.lambda.autoscaler.ScalingDecision.Action.SCALE_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScalingPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final ScalingPolicy POLICY = new ScalingPolicy(ScalingConfig.defaults());

    /** {@code minutes} minutes ending just before NOW, each with the given accepted rates. */
    private static List<MinuteMetrics> steady(int minutes, double recordsPerSecond, double recordBytes,
                                              double throttledPerSecond, double iteratorAgeMillis) {
        List<MinuteMetrics> window = new ArrayList<>();
        for (int m = minutes; m >= 1; m--) {
            window.add(new MinuteMetrics(NOW.minus(Duration.ofMinutes(m)), recordsPerSecond * recordBytes * 60,
                    recordsPerSecond * 60, throttledPerSecond * 60, iteratorAgeMillis));
        }
        return window;
    }

    private static List<MinuteMetrics> steady(int minutes, double recordsPerSecond) {
        return steady(minutes, recordsPerSecond, 100, 0, 0);
    }

    @Test
    void shardsNeededUsesTheTighterOfTheRecordAndByteLimitsAtTargetUtilisation() {
        // 0.7 x 1,000 records/s = 700 records/s per shard: 1,400 fits 2 shards, 1,401 needs 3.
        assertThat(POLICY.shardsNeeded(steady(1, 1400).get(0))).isEqualTo(2);
        assertThat(POLICY.shardsNeeded(steady(1, 1401).get(0))).isEqualTo(3);
        // 100 records/s of 20 KiB = 2,000 KiB/s; 0.7 MiB/s per shard -> 2.79 -> 3 shards, although records fit one.
        assertThat(POLICY.shardsNeeded(steady(1, 100, 20 * 1024, 0, 0).get(0))).isEqualTo(3);
    }

    @Test
    void scalesOutToTheShardsThePeakNeeds() {
        ScalingDecision d = POLICY.decide(2, steady(60, 2000), NOW, Optional.empty(), 0);
        assertThat(d.action()).isEqualTo(SCALE_OUT);
        assertThat(d.targetShards()).isEqualTo(3); // ceil(2000 / 700) = 3 = 2 x 1.5
    }

    @Test
    void scaleOutIsCappedAtDoubleThePresentShards() {
        ScalingDecision d = POLICY.decide(3, steady(60, 20_000), NOW, Optional.empty(), 0);
        assertThat(d).extracting(ScalingDecision::action, ScalingDecision::targetShards).containsExactly(SCALE_OUT, 6);
        assertThat(d.reason()).contains("double");
    }

    @Test
    void scaleOutGrowsByAtLeastHalfToSaveScalings() {
        // 4 shards, demand needs 5: the policy asks for ceil(4 x 1.5) = 6.
        ScalingDecision d = POLICY.decide(4, steady(60, 3000), NOW, Optional.empty(), 0);
        assertThat(d.targetShards()).isEqualTo(6);
    }

    @Test
    void scaleInIsLimitedToHalvingPerCall() {
        ScalingDecision d = POLICY.decide(10, steady(60, 10), NOW, Optional.empty(), 0);
        assertThat(d).extracting(ScalingDecision::action, ScalingDecision::targetShards).containsExactly(SCALE_IN, 5);
        assertThat(POLICY.decide(7, steady(60, 10), NOW, Optional.empty(), 0).targetShards())
                .as("half of 7 rounded up: AWS rejects targets below half").isEqualTo(4);
    }

    @Test
    void respectsMinAndMaxShards() {
        ScalingPolicy bounded = new ScalingPolicy(ScalingConfig.builder().minShards(3).maxShards(8).build());
        assertThat(bounded.decide(6, steady(60, 50_000), NOW, Optional.empty(), 0).targetShards()).isEqualTo(8);
        assertThat(bounded.decide(8, steady(60, 50_000), NOW, Optional.empty(), 0).action()).isEqualTo(HOLD);
        assertThat(bounded.decide(3, steady(60, 0), NOW, Optional.empty(), 0).action()).isEqualTo(HOLD);
        assertThat(bounded.decide(6, steady(60, 0), NOW, Optional.empty(), 0).targetShards()).isEqualTo(3);
        assertThat(bounded.decide(1, steady(60, 0), NOW, Optional.empty(), 0))
                .extracting(ScalingDecision::action, ScalingDecision::targetShards).containsExactly(SCALE_OUT, 2);
    }

    @Test
    void scaleOutWaitsForTheShortCooldown() {
        List<MinuteMetrics> busy = steady(60, 2000);
        assertThat(POLICY.decide(2, busy, NOW, Optional.of(NOW.minus(Duration.ofMinutes(2))), 1).action())
                .isEqualTo(HOLD);
        assertThat(POLICY.decide(2, busy, NOW, Optional.of(NOW.minus(Duration.ofMinutes(5))), 1).action())
                .isEqualTo(SCALE_OUT);
    }

    @Test
    void scaleInWaitsForTheLongCooldown() {
        List<MinuteMetrics> quiet = steady(60, 10);
        assertThat(POLICY.decide(4, quiet, NOW, Optional.of(NOW.minus(Duration.ofMinutes(59))), 1).action())
                .isEqualTo(HOLD);
        assertThat(POLICY.decide(4, quiet, NOW, Optional.of(NOW.minus(Duration.ofMinutes(60))), 1).action())
                .isEqualTo(SCALE_IN);
    }

    @Test
    void scaleInNeedsAWholeWindowOfLowLoad() {
        List<MinuteMetrics> window = new ArrayList<>(steady(60, 10));
        window.set(0, steady(60, 2500).get(0)); // one busy minute an hour ago still needs 4 shards
        assertThat(POLICY.decide(4, window, NOW, Optional.empty(), 0).action()).isEqualTo(HOLD);
        assertThat(POLICY.decide(4, steady(30, 10), NOW, Optional.empty(), 0).reason())
                .contains("only 30 minutes of metrics");
    }

    @Test
    void smallScaleInStepsAreNotWorthAScaling() {
        // 8 shards, the hour's peak needs 7 (4,800 records/s): removing one shard is not worth a scaling.
        assertThat(POLICY.decide(8, steady(60, 4800), NOW, Optional.empty(), 0).action()).isEqualTo(HOLD);
        assertThat(POLICY.decide(8, steady(60, 4200), NOW, Optional.empty(), 0))
                .extracting(ScalingDecision::action, ScalingDecision::targetShards).containsExactly(SCALE_IN, 6);
    }

    @Test
    void noScaleInWhileConsumersLag() {
        ScalingDecision d = POLICY.decide(4, steady(60, 10, 100, 0, 120_000), NOW, Optional.empty(), 0);
        assertThat(d.action()).isEqualTo(HOLD);
        assertThat(d.reason()).contains("lag");
    }

    @Test
    void throttlingScalesOutEvenWhenAcceptedTrafficLooksLow() {
        ScalingDecision d = POLICY.decide(2, steady(60, 500, 100, 5, 0), NOW, Optional.empty(), 0);
        assertThat(d.action()).isEqualTo(SCALE_OUT);
        assertThat(d.reason()).contains("throttled");
    }

    @Test
    void throttlesFromBeforeTheLastScalingSettledAreNotCountedAgain() {
        // Throttled until the scaling six minutes ago settled (after the 5-minute cool-down), clean since.
        List<MinuteMetrics> window = new ArrayList<>(steady(60, 500, 100, 5, 0));
        window.set(59, steady(1, 500).get(0));
        ScalingDecision d = POLICY.decide(3, window, NOW, Optional.of(NOW.minus(Duration.ofMinutes(6))), 1);
        assertThat(d.action()).as(d.toString()).isEqualTo(HOLD);
    }

    @Test
    void theRollingDayQuotaStopsScaleOutAndKeepsTheLastScalingsForScaleOut() {
        assertThat(POLICY.decide(2, steady(60, 2000), NOW, Optional.empty(), 10).action()).isEqualTo(HOLD);
        assertThat(POLICY.decide(2, steady(60, 2000), NOW, Optional.empty(), 9).action()).isEqualTo(SCALE_OUT);
        assertThat(POLICY.decide(4, steady(60, 10), NOW, Optional.empty(), 8).action()).isEqualTo(HOLD);
        assertThat(POLICY.decide(4, steady(60, 10), NOW, Optional.empty(), 7).action()).isEqualTo(SCALE_IN);
    }

    @Test
    void holdsWithoutMetrics() {
        assertThat(POLICY.decide(3, List.of(), NOW, Optional.empty(), 0).action()).isEqualTo(HOLD);
    }

    @Test
    void configRejectsValuesOutsideAwsLimits() {
        assertThatThrownBy(() -> ScalingConfig.builder().maxShards(20_000).build())
                .hasMessageContaining("maxShards");
        assertThatThrownBy(() -> ScalingConfig.builder().maxScalingsPerDay(11).build())
                .hasMessageContaining("maxScalingsPerDay");
        assertThatThrownBy(() -> ScalingConfig.builder().minShards(5).maxShards(4).build())
                .hasMessageContaining("maxShards");
        assertThatThrownBy(() -> ScalingConfig.builder().targetUtilisation(1.5).build())
                .hasMessageContaining("targetUtilisation");
    }
}
