package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.RecordPosition;

import java.util.Map;
import java.util.Objects;

/**
 * One idle-watermark decision of a shard: right after the record at {@code after} (before any later record), every
 * listed metric's highest event time was raised to its value here, as if event time had moved on while the shard
 * had no records. Kept in {@link ShardProgress} until a checkpoint at or after {@code after} folds it into
 * {@code maxTimeAtCheckpoint}, so a replay from an earlier checkpoint applies it at the same place.
 *
 * @param after    the last record processed before the decision; null: before the shard's first record (a shard
 *                 that has read none takes the start times its caller gives)
 * @param maxTimes per metric, the highest event time after the decision (absolute, so replaying it is idempotent)
 */
public record IdleAdvance(RecordPosition after, Map<String, Long> maxTimes) {
    public IdleAdvance {
        maxTimes = Map.copyOf(Objects.requireNonNull(maxTimes, "maxTimes"));
    }
}
