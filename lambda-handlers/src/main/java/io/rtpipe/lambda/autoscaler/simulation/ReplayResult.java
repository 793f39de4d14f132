package io.rtpipe.lambda.autoscaler.simulation;

import io.rtpipe.lambda.autoscaler.ScalingDecision;

import java.util.List;

/**
 * What a replay of a trace through a policy produced.
 *
 * @param openShards      shards able to take writes in each minute
 * @param billedShards    shards billed in each minute (during a reshard, the larger of old and new count)
 * @param throttled       for each minute, whether offered load exceeded the open shards' write limits
 * @param scalings        the UpdateShardCount calls made, with the minute they were issued
 */
public record ReplayResult(List<Integer> openShards, List<Integer> billedShards, List<Boolean> throttled,
                           List<Scaling> scalings) {

    /** One UpdateShardCount call. */
    public record Scaling(int minute, ScalingDecision decision) {}

    public ReplayResult {
        openShards = List.copyOf(openShards);
        billedShards = List.copyOf(billedShards);
        throttled = List.copyOf(throttled);
        scalings = List.copyOf(scalings);
    }

    public double shardHours() {
        return billedShards.stream().mapToInt(Integer::intValue).sum() / 60.0;
    }

    public long throttledMinutes() {
        return throttled.stream().filter(t -> t).count();
    }

    public int maxShards() {
        return openShards.stream().mapToInt(Integer::intValue).max().orElse(0);
    }
}
