package io.rtpipe.lambda.autoscaler;

import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** The autoscaler's Kinesis calls against the sandbox's Kinesis (kinesis-mock by default). */
@ExtendWith(SandboxExtension.class)
class KinesisStreamControlIT {

    private static KinesisAsyncClient kinesis;
    private static KinesisStreamControl control;

    @BeforeAll
    static void clients(LocalAws aws) {
        kinesis = aws.clients().kinesisAsync();
        control = new KinesisStreamControl(kinesis);
    }

    @AfterAll
    static void close() {
        kinesis.close();
    }

    private static String newStream(LocalAws aws, int shards) {
        String name = unique("autoscaler");
        aws.createStream(name, shards);
        return name;
    }

    @Test
    void describesTheStreamAndKeepsTheScalingHistoryInATag(LocalAws aws) {
        String stream = newStream(aws, 2);
        assertThat(control.describe(stream)).isEqualTo(new StreamControl.StreamState(true, true, 2));
        assertThat(control.scalingHistory(stream)).isEmpty();

        List<Instant> history = List.of(Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T11:30:00Z"));
        control.saveScalingHistory(stream, history);
        assertThat(control.scalingHistory(stream)).isEqualTo(history);
    }

    @Test
    void aScaleOutDecisionReshardsTheStreamAndTheNextRunRespectsTheCooldown(LocalAws aws) throws Exception {
        String stream = newStream(aws, 2);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        // 2,000 records/s of 100 bytes: ceil(2000 / 700) = 3 shards at the default 70 % target.
        StreamMetricsSource busy = (name, end, minutes) -> {
            List<MinuteMetrics> out = new ArrayList<>();
            for (int m = minutes; m >= 1; m--) {
                out.add(new MinuteMetrics(end.minus(Duration.ofMinutes(m)), 2000 * 60 * 100, 2000 * 60, 0, 0));
            }
            return out;
        };
        List<Integer> published = new ArrayList<>();
        ShardAutoscaler autoscaler = new ShardAutoscaler(stream, new ScalingPolicy(ScalingConfig.defaults()), busy,
                control, (name, shards) -> published.add(shards), true, Clock.fixed(now, ZoneOffset.UTC));

        ScalingDecision first = autoscaler.runOnce();
        assertThat(first.action()).isEqualTo(ScalingDecision.Action.SCALE_OUT);
        assertThat(first.targetShards()).isEqualTo(3);
        StreamControl.StreamState after = awaitActive(stream);
        assertThat(after.openShards()).isEqualTo(3);
        assertThat(control.scalingHistory(stream)).containsExactly(now);

        ScalingDecision second = autoscaler.runOnce();
        assertThat(second.action()).isEqualTo(ScalingDecision.Action.HOLD);
        assertThat(control.describe(stream).openShards()).isEqualTo(3);
        assertThat(published).containsExactly(2, 3);
    }

    /** Polls DescribeStreamSummary (the SDK waiter polls every 10 s). */
    private static StreamControl.StreamState awaitActive(String stream) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        StreamControl.StreamState state = control.describe(stream);
        while (!state.active() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            state = control.describe(stream);
        }
        assertThat(state.active()).as("stream ACTIVE again after the reshard").isTrue();
        return state;
    }
}
