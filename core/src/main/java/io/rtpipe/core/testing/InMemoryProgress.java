package io.rtpipe.core.testing;

import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.FencedException;
import io.rtpipe.core.task.OwnershipPort;
import io.rtpipe.core.task.ProgressPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The progress table in memory: per shard, one entry per checkpoint, keyed by it (and a start entry), each with the owner epoch it was
 * written under; and per shard its owner item (epoch and owner), as {@code ProgressStore} keeps them.
 */
final class InMemoryProgress implements ProgressPort, OwnershipPort {

    private record Entry(ShardProgress progress, long epoch) {
    }

    private record Owner(long epoch, String owner) {
    }

    private final Faults faults;
    private final Map<String, NavigableMap<RecordPosition, Entry>> shards = new HashMap<>();
    private final Map<String, Owner> owners = new HashMap<>();
    /** Per shard, its start entry (idle decisions before its first checkpoint). */
    private final Map<String, Entry> starts = new HashMap<>();
    /** Writes refused because a newer owner had claimed the shard. */
    final List<String> refused = new ArrayList<>();

    InMemoryProgress(Faults faults) {
        this.faults = faults;
    }

    @Override
    public long claim(String shardId, String owner) {
        Owner previous = owners.get(shardId);
        long epoch = previous == null ? 1 : previous.epoch() + 1;
        owners.put(shardId, new Owner(epoch, owner));
        return epoch;
    }

    @Override
    public void requireOwner(String shardId, long epoch) {
        Owner current = owners.get(shardId);
        if (current == null || current.epoch() != epoch) {
            throw refuse("shard " + shardId + " is owned by " + describe(current) + ", not by epoch " + epoch);
        }
    }

    @Override
    public void save(String shardId, ShardProgress progress, long epoch) {
        faults.beforeWrite(CheckpointStep.PROGRESS_STORED);
        Entry there = progress.checkpoint() == null ? starts.get(shardId) : of(shardId).get(progress.checkpoint());
        if (there != null && there.epoch() > epoch) {
            throw refuse("shard " + shardId + " has progress at " + progress.checkpoint() + " of epoch "
                    + there.epoch() + ", newer than " + epoch);
        }
        if (progress.checkpoint() == null) {
            starts.put(shardId, new Entry(progress, epoch));
        } else {
            of(shardId).put(progress.checkpoint(), new Entry(progress, epoch));
        }
        faults.afterWrite(CheckpointStep.PROGRESS_STORED);
    }

    private FencedException refuse(String why) {
        refused.add(why);
        return new FencedException(why);
    }

    private static String describe(Owner owner) {
        return owner == null ? "nobody" : "epoch " + owner.epoch() + " (" + owner.owner() + ")";
    }

    @Override
    public Optional<ShardProgress> load(String shardId, RecordPosition checkpoint) {
        return Optional.ofNullable(checkpoint == null ? starts.get(shardId) : of(shardId).get(checkpoint))
                .map(Entry::progress);
    }

    @Override
    public void deleteBefore(String shardId, RecordPosition keepFrom) {
        of(shardId).headMap(keepFrom, false).clear();
        starts.remove(shardId);
    }

    private NavigableMap<RecordPosition, Entry> of(String shardId) {
        return shards.computeIfAbsent(shardId, id -> new TreeMap<>());
    }
}
