package io.rtpipe.lambda.autoscaler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * One autoscaler evaluation: describe the stream, publish its shard count, read its recent metrics, ask the
 * {@link ScalingPolicy}, and call UpdateShardCount when the policy says so and scaling is enabled.
 */
public final class ShardAutoscaler {

    private static final Logger LOG = LoggerFactory.getLogger(ShardAutoscaler.class);

    private final String streamName;
    private final ScalingPolicy policy;
    private final StreamMetricsSource metrics;
    private final StreamControl stream;
    private final ShardCountPublisher shardCountPublisher;
    private final boolean scalingEnabled;
    private final Clock clock;

    /**
     * @param scalingEnabled false for report-only mode (on-demand streams, dry runs): the decision is computed and
     *                       returned, the shard count is published, but UpdateShardCount is never called
     */
    public ShardAutoscaler(String streamName, ScalingPolicy policy, StreamMetricsSource metrics, StreamControl stream,
                           ShardCountPublisher shardCountPublisher, boolean scalingEnabled, Clock clock) {
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.shardCountPublisher = Objects.requireNonNull(shardCountPublisher, "shardCountPublisher");
        this.scalingEnabled = scalingEnabled;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public ScalingDecision runOnce() {
        StreamControl.StreamState state = stream.describe(streamName);
        shardCountPublisher.publish(streamName, state.openShards());
        if (!state.provisioned()) {
            return ScalingDecision.hold(state.openShards(), "the stream is in on-demand mode; Kinesis scales it");
        }
        if (!state.active()) {
            return ScalingDecision.hold(state.openShards(), "the stream is not ACTIVE (a reshard is in progress)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Instant dayAgo = now.minus(Duration.ofHours(24));
        List<Instant> history = stream.scalingHistory(streamName).stream().filter(t -> t.isAfter(dayAgo)).toList();
        List<MinuteMetrics> window = metrics.minutes(streamName, now, (int) policy.config().scaleInWindow().toMinutes());
        Optional<Instant> last = history.stream().max(Instant::compareTo);
        ScalingDecision decision = policy.decide(state.openShards(), window, now, last, history.size());
        LOG.info("{}: {}", streamName, decision);
        if (!decision.changesShardCount() || !scalingEnabled) {
            return decision;
        }
        List<Instant> updated = new ArrayList<>(history);
        updated.add(now);
        // Recorded before the call so that a timeout after AWS accepted it still counts toward cool-down and quota.
        stream.saveScalingHistory(streamName, updated);
        try {
            stream.updateShardCount(streamName, decision.targetShards());
            return decision;
        } catch (CompletionException | LimitExceededException | ResourceInUseException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (!(cause instanceof LimitExceededException) && !(cause instanceof ResourceInUseException)) {
                throw e;
            }
            stream.saveScalingHistory(streamName, history);
            LOG.warn("{}: UpdateShardCount to {} refused: {}", streamName, decision.targetShards(), cause.getMessage());
            return ScalingDecision.hold(state.openShards(), "UpdateShardCount to " + decision.targetShards()
                    + " was refused by Kinesis (" + cause.getClass().getSimpleName() + ")");
        }
    }
}
