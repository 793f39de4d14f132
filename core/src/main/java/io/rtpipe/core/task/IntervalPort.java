package io.rtpipe.core.task;

import io.rtpipe.core.checkpoint.CheckpointPlan;

import java.util.List;

/**
 * Where a {@link ShardTask} writes a checkpoint interval's raw archive, dead letters and late records. Each of the
 * three is keyed by the shard and {@link CheckpointPlan#firstPosition()}, and written (or its key deleted) even when
 * empty: a re-plan after a crash may cover a shorter interval under the same key, and a stale longer object would
 * hold records the next interval writes again.
 */
public interface IntervalPort {

    /**
     * Writes the plan's objects durably before returning.
     *
     * @return the names of the objects now holding lines, for logs
     * @throws RuntimeException when some object may be unwritten: the task does not checkpoint
     */
    List<String> write(String shardId, CheckpointPlan plan);
}
