package io.rtpipe.core.testing;

/** The steps of the consumer's checkpoint protocol, in order; a simulated crash can follow any of them. */
public enum CheckpointStep {
    /** Fired window results written to the results store. */
    RESULTS_WRITTEN,
    /** The plan's archive, dead-letter and late-record objects written, keyed by its first position. */
    ARCHIVE_WRITTEN,
    /** The plan's snapshot of the open window state stored under its checkpoint (only with snapshots). */
    SNAPSHOT_WRITTEN,
    /** The plan's shard progress stored (next to the progress of KCL's current checkpoint). */
    PROGRESS_STORED,
    /** KCL checkpointed at the plan's last record, but the engine was not told (no commit). */
    KCL_CHECKPOINTED
}
