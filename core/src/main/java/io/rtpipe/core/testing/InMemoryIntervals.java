package io.rtpipe.core.testing;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.IntervalPort;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The archive bucket in memory: per shard, the raw archive, dead-letter and late-record objects keyed by the
 * interval's first position. A write replaces all three, also with an empty list (as the S3 sink deletes the key).
 */
final class InMemoryIntervals implements IntervalPort {

    /** One shard's objects. */
    static final class ShardObjects {
        final NavigableMap<RecordPosition, List<InputRecord>> archive = new TreeMap<>();
        final NavigableMap<RecordPosition, List<DeadLetter>> deadLetters = new TreeMap<>();
        final NavigableMap<RecordPosition, List<LateRecord>> lateRecords = new TreeMap<>();
    }

    private final Faults faults;
    private final Map<String, ShardObjects> shards = new TreeMap<>();

    InMemoryIntervals(Faults faults) {
        this.faults = faults;
    }

    @Override
    public List<String> write(String shardId, CheckpointPlan plan) {
        faults.beforeWrite(CheckpointStep.ARCHIVE_WRITTEN);
        ShardObjects objects = of(shardId);
        objects.archive.put(plan.firstPosition(), plan.archive());
        objects.deadLetters.put(plan.firstPosition(), plan.deadLetters());
        objects.lateRecords.put(plan.firstPosition(), plan.lateRecords());
        faults.afterWrite(CheckpointStep.ARCHIVE_WRITTEN);
        return List.of(shardId + "/" + plan.firstPosition());
    }

    ShardObjects of(String shardId) {
        return shards.computeIfAbsent(shardId, id -> new ShardObjects());
    }
}
