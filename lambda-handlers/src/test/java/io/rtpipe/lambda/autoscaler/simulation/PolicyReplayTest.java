package io.rtpipe.lambda.autoscaler.simulation;

import io.rtpipe.lambda.autoscaler.ScalingConfig;
import io.rtpipe.lambda.autoscaler.ScalingDecision;
import io.rtpipe.lambda.autoscaler.ScalingPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The policy over traffic traces, replayed against the modelled stream. */
class PolicyReplayTest {

    private static final ScalingConfig CONFIG = ScalingConfig.defaults();
    private static final PolicyReplay REPLAY = new PolicyReplay(new ScalingPolicy(CONFIG), Duration.ofMinutes(3));
    private static final double RECORD_BYTES = 512;

    /** Shards that carry a rate at the default 70 % target, computed here, not by the policy. */
    private static int shardsAtTarget(double recordsPerSecond) {
        return (int) Math.ceil(recordsPerSecond / 700.0);
    }

    @Test
    void rampIsFollowedUpwardWithoutScalingIn() {
        TrafficTrace ramp = TrafficTrace.of("ramp", 360, RECORD_BYTES, m -> 100 + (5000 - 100) * m / 359.0);
        ReplayResult r = REPLAY.replay(ramp, 1);

        assertThat(r.scalings()).allMatch(s -> s.decision().action() == ScalingDecision.Action.SCALE_OUT);
        assertThat(r.openShards().get(359)).isGreaterThanOrEqualTo(shardsAtTarget(5000));
        assertThat(r.throttledMinutes()).as("a slow ramp stays within the 30 %% headroom").isZero();
        assertRespectsAwsRules(r);
    }

    @Test
    void spikeIsMetWithinMinutesAndReleasedOnlyAfterTheScaleInWindow() {
        int spikeStart = 120;
        int spikeEnd = 140;
        TrafficTrace spike = TrafficTrace.of("spike", 480, RECORD_BYTES,
                m -> m >= spikeStart && m < spikeEnd ? 3000 : 400);
        ReplayResult r = REPLAY.replay(spike, 1);

        ReplayResult.Scaling first = r.scalings().get(0);
        assertThat(first.decision().action()).isEqualTo(ScalingDecision.Action.SCALE_OUT);
        assertThat(first.minute()).isBetween(spikeStart + 1, spikeStart + 2);
        assertThat(r.openShards().get(spikeEnd - 1)).isGreaterThanOrEqualTo(shardsAtTarget(3000));
        // 1 -> 2 -> 3 -> 5 at most: each step waits for a 3-minute reshard plus the cool-down.
        assertThat(r.throttledMinutes()).isLessThanOrEqualTo(15);
        ReplayResult.Scaling firstIn = r.scalings().stream()
                .filter(s -> s.decision().action() == ScalingDecision.Action.SCALE_IN).findFirst().orElseThrow();
        assertThat(firstIn.minute()).isGreaterThanOrEqualTo(spikeEnd + 60);
        assertThat(r.openShards().get(479)).isEqualTo(shardsAtTarget(400));
        assertRespectsAwsRules(r);
    }

    @Test
    void flappingLoadDoesNotFlapTheShardCount() {
        // 10 minutes at 600 records/s (1 shard), 10 minutes at 1,600 (3 shards), for 8 hours.
        TrafficTrace square = TrafficTrace.of("square wave", 480, RECORD_BYTES, m -> (m / 10) % 2 == 0 ? 600 : 1600);
        ReplayResult r = REPLAY.replay(square, 1);

        assertThat(r.scalings()).as("scale out once, never back in while the peaks keep coming")
                .allMatch(s -> s.decision().action() == ScalingDecision.Action.SCALE_OUT);
        assertThat(r.scalings().size()).isLessThanOrEqualTo(2);
        assertThat(r.openShards().subList(60, 480)).allMatch(s -> s >= shardsAtTarget(1600));

        TrafficTrace sine = TrafficTrace.of("sine", 480, RECORD_BYTES,
                m -> 1100 + 500 * Math.sin(2 * Math.PI * m / 17.0));
        assertThat(REPLAY.replay(sine, 1).scalings().size()).isLessThanOrEqualTo(2);
    }

    @Test
    void diurnalDaysStayWithinTheRollingQuotaAndTheDoublingRule() {
        for (long seed = 1; seed <= 5; seed++) {
            TrafficTrace day = TrafficTrace.diurnalDay(seed, 300, 3000, 1024, 8);
            ReplayResult r = REPLAY.replay(day, shardsAtTarget(day.at(0).recordsPerSecond()));
            assertRespectsAwsRules(r);
            // Scaled, not fixed: fewer shard-hours than holding the day's max all day.
            assertThat(r.shardHours()).isLessThan(r.maxShards() * 24.0);
            // Bursts of up to 3x the curve may throttle a few minutes each; a smooth day must not.
            assertThat(r.throttledMinutes()).isLessThanOrEqualTo(8 * 6);
        }
        TrafficTrace smooth = TrafficTrace.diurnalDay(7, 300, 3000, 1024, 0);
        assertThat(REPLAY.replay(smooth, shardsAtTarget(smooth.at(0).recordsPerSecond())).throttledMinutes())
                .isZero();
    }

    @Test
    void sameSeedSameDay() {
        assertThat(TrafficTrace.diurnalDay(9, 300, 3000, 1024, 8))
                .isEqualTo(TrafficTrace.diurnalDay(9, 300, 3000, 1024, 8))
                .isNotEqualTo(TrafficTrace.diurnalDay(10, 300, 3000, 1024, 8));
    }

    private static void assertRespectsAwsRules(ReplayResult r) {
        List<ReplayResult.Scaling> scalings = r.scalings();
        for (ReplayResult.Scaling s : scalings) {
            int from = s.decision().currentShards();
            int to = s.decision().targetShards();
            assertThat(to).as(s.toString()).isLessThanOrEqualTo(2 * from).isGreaterThanOrEqualTo((from + 1) / 2)
                    .isBetween(CONFIG.minShards(), CONFIG.maxShards());
            long inRollingDay = scalings.stream()
                    .filter(o -> o.minute() <= s.minute() && o.minute() > s.minute() - 24 * 60).count();
            assertThat(inRollingDay).isLessThanOrEqualTo(ScalingConfig.AWS_SCALINGS_PER_ROLLING_DAY);
        }
    }
}
