package io.rtpipe.core.task;

import io.rtpipe.core.record.RecordPosition;

import java.util.Optional;

/**
 * Where a {@link ShardTask} stores its shard's window-state snapshots: the open state at a checkpoint, keyed by the
 * shard, that checkpoint and the snapshot's id (a digest of its bytes, named by the progress entry), written before
 * the progress entry that names it, so a stored entry's snapshot is always there. A key's bytes never change.
 */
public interface SnapshotPort {

    /**
     * No snapshots: checkpoints stay before every open window's first record, and a restart replays those records
     * (the Lambda handler, whose window state rides in its own item).
     */
    SnapshotPort NONE = new SnapshotPort() {
        @Override
        public void write(String shardId, RecordPosition checkpoint, String id, byte[] snapshot) {
            throw new UnsupportedOperationException("this runtime stores no window-state snapshots");
        }

        @Override
        public Optional<byte[]> read(String shardId, RecordPosition checkpoint, String id) {
            return Optional.empty();
        }

        @Override
        public void deleteBefore(String shardId, RecordPosition keepFrom) {
        }
    };

    /**
     * Stores {@code snapshot} durably before returning.
     *
     * @throws RuntimeException when it may be unstored: the task does not checkpoint
     */
    void write(String shardId, RecordPosition checkpoint, String id, byte[] snapshot);

    /** The snapshot stored for exactly {@code checkpoint} and {@code id}, if any (read-after-write consistent). */
    Optional<byte[]> read(String shardId, RecordPosition checkpoint, String id);

    /**
     * Deletes the shard's snapshots of checkpoints before {@code keepFrom} (also those no progress names: written by a
     * worker that died before storing the progress); a failure is harmless (retried next time).
     */
    void deleteBefore(String shardId, RecordPosition keepFrom);
}
