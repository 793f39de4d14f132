package io.rtpipe.core.task;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.IdleAdvance;
import io.rtpipe.core.checkpoint.ReferenceVersions;
import io.rtpipe.core.record.RecordPosition;

import java.util.List;

/**
 * What a {@link ShardTask} reports, for logs and counters (core has no logging of its own). Every method defaults
 * to doing nothing and is called on the task's thread. A listener may rethrow a cause it is handed to abort the
 * caller instead (the test driver does: an engine error there is a bug to see, not a state to survive).
 */
public interface TaskListener {

    /** {@code count} fired partials are durable. */
    default void resultsWritten(int count) {
    }

    /** {@code count} partials could not be written; the task keeps them and writes them on its next attempt. */
    default void resultsWriteFailed(int count, RuntimeException cause) {
    }

    /** The shard's fired-through marks could not be stored; the task stores them on its next write. */
    default void marksWriteFailed(RuntimeException cause) {
    }

    /** The plan's interval objects or progress could not be stored; the task did not checkpoint. */
    default void intervalWriteFailed(CheckpointPlan plan, RuntimeException cause) {
    }

    /** The plan is durable, checkpointed and committed: its records are done. */
    default void checkpointed(CheckpointPlan plan) {
    }

    /** An idle shard's watermark advanced and the decision is stored in its progress. */
    default void idleAdvanced(IdleAdvance advance) {
    }

    /**
     * An idle decision, or the reference versions the task started with or reloaded, could not be stored in the
     * progress; the results relying on it wait until it is (the task retries on its next write or checkpoint).
     */
    default void idleDecisionWriteFailed(RuntimeException cause) {
    }

    /** The shard joins the records after its last one with newly loaded reference tables, whose progress is stored. */
    default void referenceTablesReloaded(List<ReferenceVersions> versions) {
    }

    /**
     * The shard's progress names version {@code version} of reference {@code name}, which its source no longer
     * holds (an unversioned S3 object overwritten, a DynamoDB table changed): the records replayed from the
     * checkpoint are joined with {@code used}, the newest, so their results may differ from the first run's.
     */
    default void referenceVersionUnavailable(String name, String version, String used) {
    }

    /** Deleting progress entries older than {@code keepFrom} failed (harmless: tried again after the next one). */
    default void pruneFailed(RecordPosition keepFrom, RuntimeException cause) {
    }

    /**
     * A write was refused because a newer owner took the shard over; the task writes nothing more (drop it, as on
     * lease loss: the new owner replays from the last checkpoint).
     */
    default void fenced(FencedException cause) {
    }

    /**
     * The engine failed unexpectedly while {@code during}; the task is stalled: it takes no records and no
     * checkpoints, so a restart replays from the last checkpoint instead of skipping records.
     */
    default void stalled(String during, RuntimeException cause) {
    }
}
