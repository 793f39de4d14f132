package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.RecordPosition;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine must remember across a restart to replay deterministically from a checkpoint. Stored (by the
 * consumer, before it checkpoints) next to the KCL checkpoint it belongs to.
 *
 * @param checkpoint       the position checkpointed; null means "before the first record of the shard"
 * @param maxTimeAtCheckpoint per metric, the highest event time seen up to and including {@code checkpoint}: restoring
 *                         it makes every replayed record's lateness decision the same as the first time
 * @param maxTimeFired     per metric, the highest event time seen when the windows already written fired: windows
 *                         whose end is at or below its watermark were written in full and are not emitted again
 * @param definitions      per metric, its {@code MetricSpec.definition()} when this progress was planned: the times
 *                         above mean something only under that definition, so a worker whose spec defines the metric
 *                         otherwise must not resume from them (empty in progress stored before definitions were)
 * @param drainedThrough   per metric, the highest event time when the shard's input was last declared complete (a
 *                         drain): every window starting at or before it was written then, as final, so a later
 *                         event for one is late instead of rewriting it with only the later events
 * @param idleAdvances     the idle-watermark decisions taken after {@code checkpoint} (or right at it), in shard
 *                         order: a replay applies each right after its record, so it decides lateness as the first
 *                         run did (empty in progress stored before idle advances were)
 * @param snapshot         the id of the window-state snapshot holding the open windows at {@code checkpoint}, stored
 *                         under the shard, that checkpoint and this id ({@code SnapshotPort}) before this progress
 *                         (a digest of its bytes); null: none, the checkpoint is before every open window's first
 *                         record, which a restart replays
 * A metric absent from the time maps had no valid event yet (or no drain).
 */
public record ShardProgress(RecordPosition checkpoint, Map<String, Long> maxTimeAtCheckpoint,
                            Map<String, Long> maxTimeFired, Map<String, Map<String, String>> definitions,
                            Map<String, Long> drainedThrough, List<IdleAdvance> idleAdvances, String snapshot,
                            List<ReferenceVersions> referenceVersions) {
    public ShardProgress {
        maxTimeAtCheckpoint = Map.copyOf(maxTimeAtCheckpoint);
        maxTimeFired = Map.copyOf(maxTimeFired);
        definitions = definitions == null ? Map.of() : Map.copyOf(definitions);
        drainedThrough = drainedThrough == null ? Map.of() : Map.copyOf(drainedThrough);
        idleAdvances = idleAdvances == null ? List.of() : List.copyOf(idleAdvances);
        referenceVersions = referenceVersions == null ? List.of() : List.copyOf(referenceVersions);
    }

    /** Progress without reference versions. */
    public ShardProgress(RecordPosition checkpoint, Map<String, Long> maxTimeAtCheckpoint,
                         Map<String, Long> maxTimeFired, Map<String, Map<String, String>> definitions,
                         Map<String, Long> drainedThrough, List<IdleAdvance> idleAdvances, String snapshot) {
        this(checkpoint, maxTimeAtCheckpoint, maxTimeFired, definitions, drainedThrough, idleAdvances, snapshot,
                List.of());
    }

    /** Progress without a snapshot: its checkpoint precedes every open window's first record. */
    public ShardProgress(RecordPosition checkpoint, Map<String, Long> maxTimeAtCheckpoint,
                         Map<String, Long> maxTimeFired, Map<String, Map<String, String>> definitions,
                         Map<String, Long> drainedThrough, List<IdleAdvance> idleAdvances) {
        this(checkpoint, maxTimeAtCheckpoint, maxTimeFired, definitions, drainedThrough, idleAdvances, null);
    }

    /** Progress that records no definitions and no drain (the Lambda handler's, which rides in its own state). */
    public ShardProgress(RecordPosition checkpoint, Map<String, Long> maxTimeAtCheckpoint,
                         Map<String, Long> maxTimeFired) {
        this(checkpoint, maxTimeAtCheckpoint, maxTimeFired, Map.of(), Map.of(), List.of());
    }

    /** This progress with {@code advances} as its idle decisions instead of its own. */
    public ShardProgress withIdleAdvances(List<IdleAdvance> advances) {
        return new ShardProgress(checkpoint, maxTimeAtCheckpoint, maxTimeFired, definitions, drainedThrough, advances,
                snapshot, referenceVersions);
    }

    /** This progress naming the snapshot {@code id} stored under its checkpoint. */
    public ShardProgress withSnapshot(String id) {
        return new ShardProgress(checkpoint, maxTimeAtCheckpoint, maxTimeFired, definitions, drainedThrough,
                idleAdvances, Objects.requireNonNull(id, "id"), referenceVersions);
    }

    /** This progress with {@code versions} as its reference-table versions. */
    public ShardProgress withReferenceVersions(List<ReferenceVersions> versions) {
        return new ShardProgress(checkpoint, maxTimeAtCheckpoint, maxTimeFired, definitions, drainedThrough,
                idleAdvances, snapshot, versions);
    }

    /** The state of a shard nobody has read yet. */
    public static ShardProgress initial() {
        return new ShardProgress(null, Map.of(), Map.of());
    }
}
