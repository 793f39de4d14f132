package io.rtpipe.core.task;

import java.util.Objects;

/** The durable stores a {@link ShardTask} writes to; one set may be shared by the tasks of many shards. */
public record TaskPorts(IntervalPort intervals, ResultsPort results, ProgressPort progress, OwnershipPort ownership) {
    public TaskPorts {
        Objects.requireNonNull(intervals, "intervals");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(ownership, "ownership");
    }
}
