package io.rtpipe.core.testing;

import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.SnapshotPort;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** The snapshot objects of the archive bucket in memory: per shard, by checkpoint, then by snapshot id. */
final class InMemorySnapshots implements SnapshotPort {
    private final Faults faults;
    private final Map<String, NavigableMap<RecordPosition, Map<String, byte[]>>> shards = new TreeMap<>();

    InMemorySnapshots(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void write(String shardId, RecordPosition checkpoint, String id, byte[] snapshot) {
        faults.beforeWrite(CheckpointStep.SNAPSHOT_WRITTEN);
        of(shardId).computeIfAbsent(checkpoint, c -> new TreeMap<>()).put(id, snapshot.clone());
        faults.afterWrite(CheckpointStep.SNAPSHOT_WRITTEN);
    }

    @Override
    public Optional<byte[]> read(String shardId, RecordPosition checkpoint, String id) {
        return Optional.ofNullable(of(shardId).getOrDefault(checkpoint, Map.of()).get(id)).map(byte[]::clone);
    }

    @Override
    public void deleteBefore(String shardId, RecordPosition keepFrom) {
        of(shardId).headMap(keepFrom, false).clear();
    }

    /** The shard's snapshots: checkpoint to snapshot id to bytes. */
    NavigableMap<RecordPosition, Map<String, byte[]>> of(String shardId) {
        return shards.computeIfAbsent(shardId, id -> new TreeMap<>());
    }
}
