package io.rtpipe.core.task;

import java.util.Objects;

/**
 * The durable stores a {@link ShardTask} writes to; one set may be shared by the tasks of many shards.
 * {@code snapshots} {@link SnapshotPort#NONE} (the four-store constructor) keeps the replay rule: checkpoints stay
 * before every open window's first record. {@code references} {@link ReferencePort#NONE} (the constructors without it)
 * serves specs without reference tables.
 */
public record TaskPorts(IntervalPort intervals, ResultsPort results, ProgressPort progress, OwnershipPort ownership,
                        SnapshotPort snapshots, ReferencePort references) {
    public TaskPorts {
        Objects.requireNonNull(intervals, "intervals");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(ownership, "ownership");
        Objects.requireNonNull(snapshots, "snapshots");
        Objects.requireNonNull(references, "references");
    }

    /** Stores without reference tables. */
    public TaskPorts(IntervalPort intervals, ResultsPort results, ProgressPort progress, OwnershipPort ownership,
                     SnapshotPort snapshots) {
        this(intervals, results, progress, ownership, snapshots, ReferencePort.NONE);
    }

    /** These stores with {@code references} as the reference tables. */
    public TaskPorts withReferences(ReferencePort references) {
        return new TaskPorts(intervals, results, progress, ownership, snapshots, references);
    }

    /** Stores without window-state snapshots. */
    public TaskPorts(IntervalPort intervals, ResultsPort results, ProgressPort progress, OwnershipPort ownership) {
        this(intervals, results, progress, ownership, SnapshotPort.NONE);
    }

    /** Whether the task checkpoints with snapshots of the open state. */
    public boolean snapshotting() {
        return snapshots != SnapshotPort.NONE;
    }
}
