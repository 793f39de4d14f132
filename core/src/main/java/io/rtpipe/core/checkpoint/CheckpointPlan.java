package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;

import java.util.List;
import java.util.Objects;

/**
 * Everything that must be durably written before the shard may be checkpointed at {@link #checkpointAt()}.
 * The caller writes {@link #archive()}, {@link #deadLetters()} and {@link #lateRecords()} as objects keyed by
 * {@link #firstPosition()}, then stores {@link #progress()}, then checkpoints, then calls the engine's commit.
 * A replay after a crash anywhere in between produces the same first position, so it overwrites the same keys.
 *
 * @param firstPosition the first record after the previous checkpoint (the key of this interval's objects)
 * @param checkpointAt  the last record of the interval: the position to checkpoint
 * @param archive       every record of the interval, in shard order (the raw archive)
 * @param deadLetters   records of the interval that could not be parsed or failed a check
 * @param lateRecords   records of the interval that arrived after a window they belong to had fired
 * @param progress      the engine state to store with the checkpoint
 */
public record CheckpointPlan(RecordPosition firstPosition, RecordPosition checkpointAt, List<InputRecord> archive,
                             List<DeadLetter> deadLetters, List<LateRecord> lateRecords, ShardProgress progress) {
    public CheckpointPlan {
        Objects.requireNonNull(firstPosition, "firstPosition");
        Objects.requireNonNull(checkpointAt, "checkpointAt");
        archive = List.copyOf(archive);
        deadLetters = List.copyOf(deadLetters);
        lateRecords = List.copyOf(lateRecords);
        Objects.requireNonNull(progress, "progress");
    }
}
