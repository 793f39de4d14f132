package io.rtpipe.lambda.autoscaler;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShardAutoscalerTest {

    private static final String STREAM = "events";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:30Z");
    private static final Instant MINUTE = Instant.parse("2026-03-01T12:00:00Z");

    private final List<Integer> published = new ArrayList<>();

    /** A metrics source with a constant rate, checking it is asked for whole minutes ending at the current one. */
    private static StreamMetricsSource constant(double recordsPerSecond) {
        return (stream, end, minutes) -> {
            assertThat(end).isEqualTo(MINUTE);
            List<MinuteMetrics> out = new ArrayList<>();
            for (int m = minutes; m >= 1; m--) {
                out.add(new MinuteMetrics(end.minus(Duration.ofMinutes(m)), recordsPerSecond * 60 * 100,
                        recordsPerSecond * 60, 0, 0));
            }
            return out;
        };
    }

    private ShardAutoscaler autoscaler(InMemoryStream stream, double recordsPerSecond, boolean enabled) {
        return new ShardAutoscaler(STREAM, new ScalingPolicy(ScalingConfig.defaults()), constant(recordsPerSecond),
                stream, (name, shards) -> published.add(shards), enabled, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void callsUpdateShardCountAndRecordsTheScaling() {
        InMemoryStream stream = new InMemoryStream(2);
        ScalingDecision d = autoscaler(stream, 2000, true).runOnce();

        assertThat(d.action()).isEqualTo(ScalingDecision.Action.SCALE_OUT);
        assertThat(stream.updateCalls).containsExactly(3);
        assertThat(stream.history).containsExactly(MINUTE);
        assertThat(published).containsExactly(2);
    }

    @Test
    void skipsWhileTheStreamIsUpdatingOrOnDemand() {
        InMemoryStream updating = new InMemoryStream(2);
        updating.active = false;
        assertThat(autoscaler(updating, 2000, true).runOnce().reason()).contains("not ACTIVE");
        InMemoryStream onDemand = new InMemoryStream(4);
        onDemand.provisioned = false;
        assertThat(autoscaler(onDemand, 2000, true).runOnce().reason()).contains("on-demand");
        assertThat(updating.updateCalls).isEmpty();
        assertThat(onDemand.updateCalls).isEmpty();
        assertThat(published).containsExactly(2, 4);
    }

    @Test
    void reportOnlyModeDecidesButNeverReshards() {
        InMemoryStream stream = new InMemoryStream(2);
        assertThat(autoscaler(stream, 2000, false).runOnce().action()).isEqualTo(ScalingDecision.Action.SCALE_OUT);
        assertThat(stream.updateCalls).isEmpty();
        assertThat(stream.history).isEmpty();
    }

    @Test
    void countsOnlyTheLastDayOfHistoryTowardTheQuota() {
        InMemoryStream stream = new InMemoryStream(2);
        for (int i = 0; i < 10; i++) {
            stream.history.add(NOW.minus(Duration.ofHours(30)).plus(Duration.ofMinutes(i)));
        }
        autoscaler(stream, 2000, true).runOnce();
        assertThat(stream.updateCalls).containsExactly(3);
        assertThat(stream.history).containsExactly(MINUTE);

        InMemoryStream full = new InMemoryStream(2);
        for (int i = 0; i < 10; i++) {
            full.history.add(NOW.minus(Duration.ofHours(20)).plus(Duration.ofMinutes(i)));
        }
        assertThat(autoscaler(full, 2000, true).runOnce().reason()).contains("used up");
        assertThat(full.updateCalls).isEmpty();
    }

    @Test
    void aRefusedUpdateIsReportedAndNotCounted() {
        InMemoryStream stream = new InMemoryStream(2);
        stream.refuseUpdates = true;
        ScalingDecision d = autoscaler(stream, 2000, true).runOnce();
        assertThat(d.action()).isEqualTo(ScalingDecision.Action.HOLD);
        assertThat(d.reason()).contains("refused", "LimitExceededException");
        assertThat(stream.history).isEmpty();
    }
}
