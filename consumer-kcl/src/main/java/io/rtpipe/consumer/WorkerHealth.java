package io.rtpipe.consumer;

import java.time.Duration;

/**
 * Whether a worker is doing its job, judged from its counters: a pure function, so the rules are testable without
 * KCL. A worker that holds no lease is healthy (more workers than shards is normal); one is unhealthy when KCL is
 * not running, when a held shard stalled on an engine error, or when records kept arriving for longer than the limit
 * without the checkpoint advancing past them (sinks failing).
 */
final class WorkerHealth {

    /** The verdict and one sentence saying why, for the health file and the log. */
    record Status(boolean healthy, String state, String reason) {}

    private WorkerHealth() {
    }

    static Status of(ConsumerStats.Snapshot stats, boolean kclRunning, Duration maxUncheckpointedAge) {
        if (!kclRunning) {
            return new Status(false, "stopped", "the KCL scheduler is not running");
        }
        if (stats.stalledShards() > 0) {
            return new Status(false, "stalled", stats.stalledShards() + " held shard(s) stopped advancing after an "
                    + "engine error; a restart replays them from their last checkpoint");
        }
        if (stats.oldestUncheckpointedAge().compareTo(maxUncheckpointedAge) > 0) {
            return new Status(false, "not-checkpointing", "records kept arriving for "
                    + stats.oldestUncheckpointedAge().toSeconds() + " s without a checkpoint covering the oldest (limit "
                    + maxUncheckpointedAge.toSeconds() + " s)");
        }
        if (stats.shardsHeld() == 0) {
            return new Status(true, "standby", "holds no lease; other workers hold every shard");
        }
        return new Status(true, "processing", "holds " + stats.shardsHeld() + " shard(s), behind the tip by at most "
                + stats.millisBehindLatest() + " ms, checkpointing");
    }
}
