package io.rtpipe.core.testing;

import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.Checkpointer;

import java.util.function.Supplier;

/** KCL's checkpoint of one shard in memory: where a restarted worker resumes, and whether SHARD_END was reached. */
final class InMemoryCheckpointer implements Checkpointer {

    private final Faults faults;
    private final Supplier<RecordPosition> lastRecord;
    RecordPosition position;
    boolean shardEnd;

    /** @param lastRecord the shard's last record, which a SHARD_END checkpoint covers (null: it had none) */
    InMemoryCheckpointer(Faults faults, Supplier<RecordPosition> lastRecord) {
        this.faults = faults;
        this.lastRecord = lastRecord;
    }

    @Override
    public boolean checkpoint(RecordPosition at) {
        return record(at, false);
    }

    @Override
    public boolean checkpointShardEnd() {
        return record(lastRecord.get(), true);
    }

    /** False (not recorded, as KCL's throttling would) for an injected failure; false after it for a crash. */
    private boolean record(RecordPosition at, boolean end) {
        try {
            faults.beforeWrite(CheckpointStep.KCL_CHECKPOINTED);
        } catch (Faults.InjectedFault e) {
            return false;
        }
        position = at;
        shardEnd = end;
        return !faults.crashesAfter(CheckpointStep.KCL_CHECKPOINTED);
    }
}
