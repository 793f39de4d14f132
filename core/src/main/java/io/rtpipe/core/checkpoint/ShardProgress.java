package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.RecordPosition;

import java.util.Map;

/**
 * What the engine must remember across a restart to replay deterministically from a checkpoint. Stored (by the
 * consumer, before it checkpoints) next to the KCL checkpoint it belongs to.
 *
 * @param checkpoint       the position checkpointed; null means "before the first record of the shard"
 * @param maxTimeAtCheckpoint per metric, the highest event time seen up to and including {@code checkpoint}: restoring
 *                         it makes every replayed record's lateness decision the same as the first time
 * @param maxTimeFired     per metric, the highest event time seen when the windows already written fired: windows
 *                         whose end is at or below its watermark were written in full and are not emitted again
 * A metric absent from a map had no valid event yet.
 */
public record ShardProgress(RecordPosition checkpoint, Map<String, Long> maxTimeAtCheckpoint,
                            Map<String, Long> maxTimeFired) {
    public ShardProgress {
        maxTimeAtCheckpoint = Map.copyOf(maxTimeAtCheckpoint);
        maxTimeFired = Map.copyOf(maxTimeFired);
    }

    /** The state of a shard nobody has read yet. */
    public static ShardProgress initial() {
        return new ShardProgress(null, Map.of(), Map.of());
    }
}
