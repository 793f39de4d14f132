package io.rtpipe.core.testing;

import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.ProgressPort;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** The progress table in memory: per shard, one entry per checkpoint, keyed by it. */
final class InMemoryProgress implements ProgressPort {

    private final Faults faults;
    private final Map<String, NavigableMap<RecordPosition, ShardProgress>> shards = new HashMap<>();

    InMemoryProgress(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void save(String shardId, ShardProgress progress) {
        if (progress.checkpoint() == null) {
            throw new IllegalArgumentException("progress without a checkpoint position needs no saving");
        }
        faults.beforeWrite(CheckpointStep.PROGRESS_STORED);
        of(shardId).put(progress.checkpoint(), progress);
        faults.afterWrite(CheckpointStep.PROGRESS_STORED);
    }

    @Override
    public Optional<ShardProgress> load(String shardId, RecordPosition checkpoint) {
        return Optional.ofNullable(of(shardId).get(checkpoint));
    }

    @Override
    public void deleteBefore(String shardId, RecordPosition keepFrom) {
        of(shardId).headMap(keepFrom, false).clear();
    }

    private NavigableMap<RecordPosition, ShardProgress> of(String shardId) {
        return shards.computeIfAbsent(shardId, id -> new TreeMap<>());
    }
}
