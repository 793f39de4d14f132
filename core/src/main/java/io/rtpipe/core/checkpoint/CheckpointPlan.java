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
 * @param snapshot      the shard's open window state at {@code checkpointAt} ({@code ShardEngine}'s snapshot format),
 *                      to store under the shard, {@code checkpointAt} and the id its progress names, before the
 *                      progress; null: none (the checkpoint precedes every open window's first record)
 */
public record CheckpointPlan(RecordPosition firstPosition, RecordPosition checkpointAt, List<InputRecord> archive,
                             List<DeadLetter> deadLetters, List<LateRecord> lateRecords, ShardProgress progress,
                             byte[] snapshot) {
    public CheckpointPlan {
        Objects.requireNonNull(firstPosition, "firstPosition");
        Objects.requireNonNull(checkpointAt, "checkpointAt");
        archive = List.copyOf(archive);
        deadLetters = List.copyOf(deadLetters);
        lateRecords = List.copyOf(lateRecords);
        Objects.requireNonNull(progress, "progress");
        if ((snapshot != null) != (progress.snapshot() != null)) {
            throw new IllegalArgumentException("a plan's progress names a snapshot exactly when the plan holds one");
        }
    }

    /** A plan without a snapshot. */
    public CheckpointPlan(RecordPosition firstPosition, RecordPosition checkpointAt, List<InputRecord> archive,
                          List<DeadLetter> deadLetters, List<LateRecord> lateRecords, ShardProgress progress) {
        this(firstPosition, checkpointAt, archive, deadLetters, lateRecords, progress, null);
    }

    /** This plan with {@code progress} to store instead of its own. */
    public CheckpointPlan withProgress(ShardProgress progress) {
        return new CheckpointPlan(firstPosition, checkpointAt, archive, deadLetters, lateRecords, progress, snapshot);
    }

    /** This plan with {@code state} as its snapshot, its progress naming it by {@code id}. */
    public CheckpointPlan withSnapshot(byte[] state, String id) {
        return new CheckpointPlan(firstPosition, checkpointAt, archive, deadLetters, lateRecords,
                progress.withSnapshot(id), Objects.requireNonNull(state, "state"));
    }
}
