package io.rtpipe.core.task;

import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.RecordPosition;

import java.util.Optional;

/**
 * Where a {@link ShardTask} stores shard progress: one entry per checkpoint, keyed by that checkpoint, and a shard's
 * <em>start entry</em> (checkpoint null: the idle decisions of a shard not checkpointed yet). The task saves
 * the new entry before checkpointing and can die in between, so it deletes only entries older than the checkpoint it
 * started its last successful checkpoint from: the entry of the current checkpoint always survives.
 */
public interface ProgressPort {

    /**
     * Stores {@code progress} under its own checkpoint (null: the start entry), durably before returning, with the owner
     * {@code epoch} it was written under; an entry an owner of a newer epoch stored there is never replaced.
     *
     * @throws FencedException when a newer owner's entry is there
     * @throws RuntimeException when it may be unstored: the task does not checkpoint
     */
    void save(String shardId, ShardProgress progress, long epoch);

    /** The progress stored for exactly {@code checkpoint} (null: the start entry), if any (strongly consistent). */
    Optional<ShardProgress> load(String shardId, RecordPosition checkpoint);

    /** Deletes the entries of checkpoints before {@code keepFrom}, and the start entry; a failure is harmless (retried next time). */
    void deleteBefore(String shardId, RecordPosition keepFrom);
}
