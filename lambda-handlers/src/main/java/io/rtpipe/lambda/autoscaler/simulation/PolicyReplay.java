package io.rtpipe.lambda.autoscaler.simulation;

import io.rtpipe.lambda.autoscaler.MinuteMetrics;
import io.rtpipe.lambda.autoscaler.ScalingConfig;
import io.rtpipe.lambda.autoscaler.ScalingDecision;
import io.rtpipe.lambda.autoscaler.ScalingPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Replays a traffic trace through a {@link ScalingPolicy} against a modelled provisioned stream, evaluating the
 * policy once a minute like the scheduled Lambda does.
 *
 * <p>The model: a shard accepts up to its write limits and throttles the rest (CloudWatch then shows the accepted
 * bytes and records plus the throttled record count); a reshard takes {@code reshardDuration}, during which the
 * stream is UPDATING (the handler skips such runs), writes get the smaller of the old and new capacity and billing
 * counts the larger shard count (parents and children coexist).
 */
public final class PolicyReplay {

    private static final Instant DAY_START = Instant.parse("2026-01-05T00:00:00Z");

    private final ScalingPolicy policy;
    private final Duration reshardDuration;

    public PolicyReplay(ScalingPolicy policy, Duration reshardDuration) {
        this.policy = policy;
        this.reshardDuration = reshardDuration;
    }

    public ReplayResult replay(TrafficTrace trace, int initialShards) {
        ScalingConfig config = policy.config();
        int keepMinutes = (int) config.scaleInWindow().toMinutes();
        Deque<MinuteMetrics> window = new ArrayDeque<>();
        List<Integer> open = new ArrayList<>();
        List<Integer> billed = new ArrayList<>();
        List<Boolean> throttled = new ArrayList<>();
        List<ReplayResult.Scaling> scalings = new ArrayList<>();
        int shards = initialShards;
        int pendingTarget = shards;
        int reshardDoneAt = -1;

        for (int m = 0; m < trace.length(); m++) {
            if (m == reshardDoneAt) {
                shards = pendingTarget;
            }
            boolean updating = m < reshardDoneAt;
            int capacityShards = updating ? Math.min(shards, pendingTarget) : shards;
            open.add(capacityShards);
            billed.add(updating ? Math.max(shards, pendingTarget) : shards);

            Demand demand = trace.at(m);
            double recordsLimit = capacityShards * config.shardRecordsPerSecond();
            double bytesLimit = capacityShards * config.shardBytesPerSecond();
            double acceptedShare = Math.min(1.0, Math.min(
                    demand.recordsPerSecond() == 0 ? 1.0 : recordsLimit / demand.recordsPerSecond(),
                    demand.bytesPerSecond() == 0 ? 1.0 : bytesLimit / demand.bytesPerSecond()));
            double offeredRecords = demand.recordsPerSecond() * 60;
            double acceptedRecords = offeredRecords * acceptedShare;
            throttled.add(acceptedShare < 1.0);
            window.addLast(new MinuteMetrics(minute(m), acceptedRecords * demand.recordBytes(), acceptedRecords,
                    offeredRecords - acceptedRecords, 0));
            while (window.size() > keepMinutes) {
                window.removeFirst();
            }

            if (updating) {
                continue;
            }
            Instant now = minute(m + 1);
            Optional<Instant> last = scalings.isEmpty() ? Optional.empty()
                    : Optional.of(minute(scalings.get(scalings.size() - 1).minute()));
            int dayAgo = m + 1 - 24 * 60;
            int lastDay = (int) scalings.stream().filter(s -> s.minute() > dayAgo).count();
            ScalingDecision decision = policy.decide(shards, List.copyOf(window), now, last, lastDay);
            if (decision.changesShardCount()) {
                scalings.add(new ReplayResult.Scaling(m + 1, decision));
                pendingTarget = decision.targetShards();
                reshardDoneAt = m + 1 + (int) reshardDuration.toMinutes();
            }
        }
        return new ReplayResult(open, billed, throttled, scalings);
    }

    /** A minute in which everything offered was accepted. */
    static MinuteMetrics offered(Demand demand) {
        return new MinuteMetrics(DAY_START, demand.bytesPerSecond() * 60, demand.recordsPerSecond() * 60, 0, 0);
    }

    private static Instant minute(int m) {
        return DAY_START.plus(Duration.ofMinutes(m));
    }
}
