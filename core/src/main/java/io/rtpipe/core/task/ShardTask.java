package io.rtpipe.core.task;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.reference.ReferenceTable;
import io.rtpipe.core.reference.VersionedTables;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One shard's work: a {@link ShardEngine} and the checkpoint protocol that makes its output durable in the order the
 * correctness model needs (docs/ARCHITECTURE.md), the one implementation of it that the KCL consumer, the Lambda
 * handler and the test driver all run (as Kafka Streams' StreamTask runs under both a broker and TopologyTestDriver).
 *
 * <p>The protocol, per {@link #checkpoint}: write every fired partial ({@link ResultsPort}); plan (with snapshots,
 * the last record processed; without, the record just before the oldest open window's first record); write the
 * interval's objects ({@link IntervalPort}); store the plan's snapshot of the open state ({@link SnapshotPort});
 * store the plan's progress, which names it ({@link ProgressPort}); checkpoint ({@link Checkpointer}); only then
 * commit the plan to the engine and delete progress and snapshots older than the previous checkpoint. A failed step
 * stops there with the state kept (taken but unwritten partials included), so nothing is checkpointed past data that
 * is not durable and the next call retries; a crash anywhere resumes from the previous checkpoint and rewrites the
 * same keys.
 *
 * <p>Fencing: {@link #start} claims the shard's next owner epoch ({@link OwnershipPort}); results and interval
 * objects are written only after the epoch is confirmed current, progress only under it, so a task whose shard a
 * newer owner took writes nothing more ({@link #isFenced()}) instead of overwriting that owner's objects.
 *
 * <p>An unexpected engine error stalls the task (reported once, no more records or checkpoints) rather than skipping
 * records. Not thread-safe: one task per shard, driven from one thread.
 */
public final class ShardTask {

    private final String shardId;
    private final ShardEngine engine;
    private final TaskPorts ports;
    private final TaskListener listener;
    /** Partials taken from the engine but not yet durably written. */
    private final List<WindowResult> unwrittenResults = new ArrayList<>();
    /** The last checkpoint this task started from or took: progress entries before it may be deleted once a newer one is taken. */
    private RecordPosition lastCheckpoint;
    /** The owner epoch this task claimed: every durable write checks it is still the shard's current one. */
    private final long epoch;
    private boolean stalled;
    private boolean fenced;
    /** An idle decision is taken but its progress not yet stored: no result may be written before it is. */
    private boolean idleDecisionUnstored;
    /** The fired-through marks last stored (empty: none yet by this task). */
    private Map<String, Long> storedMarks = Map.of();
    /** Whether the spec joins reference tables (then each checkpoint offers the newest). */
    private final boolean joining;
    /**
     * The reference versions the engine started with are not those the restored progress names (it named none, or
     * a version is gone): no result may be written before they are stored.
     */
    private boolean versionsUnstored;

    private ShardTask(String shardId, ShardEngine engine, ShardProgress restored, TaskPorts ports,
                      TaskListener listener, long epoch, boolean joining, boolean versionsUnstored) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.engine = engine;
        this.ports = Objects.requireNonNull(ports, "ports");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.lastCheckpoint = restored.checkpoint();
        this.epoch = epoch;
        this.joining = joining;
        this.versionsUnstored = versionsUnstored;
    }

    /**
     * Takes the shard over for {@code owner}: restores the progress of {@code checkpoint} ({@link #restore}), then
     * claims the next owner epoch, so the previous owner's writes are refused from now on. A worker that may not
     * resume the shard claims nothing (the owner keeps it). Whatever a previous owner writes before the claim is
     * what the protocol allows any owner: KCL refuses its checkpoints, and this task rewrites every key it plans.
     *
     * @param checkpoint where KCL resumes the shard (null: it has none yet)
     * @throws ProgressException when the shard cannot resume from its stored progress
     */
    public static ShardTask start(EngineConfig config, String shardId, String owner, RecordPosition checkpoint,
                                  TaskPorts ports, TaskListener listener) {
        return resume(config, shardId, owner, restore(config, ports.progress(), shardId, checkpoint), ports, listener);
    }

    /**
     * As {@link #start}, from progress the caller holds ({@link ShardProgress#initial()}: never checkpointed).
     *
     * @throws ProgressException when the progress names a window-state snapshot that is missing or unreadable
     */
    public static ShardTask resume(EngineConfig config, String shardId, String owner, ShardProgress restored,
                                   TaskPorts ports, TaskListener listener) {
        byte[] snapshot = restored.snapshot() == null ? null : snapshotOf(ports, shardId, restored);
        TablesOfProgress tables = new TablesOfProgress(shardId, ports.references(), listener);
        ShardEngine engine;
        try {
            engine = new ShardEngine(config, shardId, restored, ports.snapshotting() && snapshotsRestore(config),
                    snapshot, tables);
        } catch (IllegalArgumentException e) {
            if (snapshot == null) {
                throw e;
            }
            throw new ProgressException("shard " + shardId + "'s window-state snapshot at " + restored.checkpoint()
                    + " cannot be restored (" + e.getMessage() + "), so its open windows cannot be rebuilt");
        }
        // Only a worker that can resume the shard claims it.
        return new ShardTask(shardId, engine, restored, ports, listener, ports.ownership().claim(shardId, owner),
                !config.references().isEmpty(), tables.substituted);
    }

    /**
     * The tables of the versions a progress names, from the port; a version it cannot give any more (or none named)
     * is replaced by the newest, reported, and remembered so the task stores what the engine really uses.
     */
    private static final class TablesOfProgress implements VersionedTables {
        private final String shardId;
        private final ReferencePort port;
        private final TaskListener listener;
        boolean substituted;

        TablesOfProgress(String shardId, ReferencePort port, TaskListener listener) {
            this.shardId = shardId;
            this.port = port;
            this.listener = listener;
        }

        @Override
        public ReferenceTable table(String name, String version) {
            if (version != null) {
                var stored = port.version(name, version);
                if (stored.isPresent()) {
                    return stored.get();
                }
            }
            ReferenceTable newest = port.newest().get(name);
            if (newest == null) {
                throw new ProgressException("shard " + shardId + " joins reference " + name
                        + ", and no table of it is loaded");
            }
            substituted = true;
            if (version != null) {
                listener.referenceVersionUnavailable(name, version, newest.version());
            }
            return newest;
        }
    }

    /** Whether every aggregate of the spec restores from its partial, as a snapshot holds it. */
    private static boolean snapshotsRestore(EngineConfig config) {
        return config.metrics().stream().flatMap(metric -> metric.aggregates().stream())
                .allMatch(aggregate -> aggregate.aggregator().restoresFromPartial());
    }

    private static byte[] snapshotOf(TaskPorts ports, String shardId, ShardProgress restored) {
        RecordPosition checkpoint = restored.checkpoint();
        if (!ports.snapshotting()) {
            throw new ProgressException("shard " + shardId + "'s progress at " + checkpoint + " names a window-state "
                    + "snapshot, but this runtime stores none, so its open windows cannot be rebuilt");
        }
        return ports.snapshots().read(shardId, checkpoint, restored.snapshot()).orElseThrow(() -> new ProgressException("shard "
                + shardId + "'s progress at " + checkpoint + " names a window-state snapshot that is not stored "
                + "(archive bucket emptied or replaced), so its open windows cannot be rebuilt"));
    }

    /**
     * The progress to restart a shard from: when it has no checkpoint yet (null), its start entry (idle decisions
     * taken before its first checkpoint) or else {@link ShardProgress#initial()}; otherwise the entry stored for exactly that checkpoint, provided every metric of {@code config} it recorded is
     * defined as it was then (a metric it did not record is new: it starts from no event, as on a new shard).
     *
     * @throws ProgressException when that entry is missing (windows open at the checkpoint cannot be rebuilt, so this
     *                           is an error, not a fresh start), or a metric's definition differs
     */
    public static ShardProgress restore(EngineConfig config, ProgressPort progress, String shardId,
                                        RecordPosition checkpoint) {
        if (checkpoint == null) {
            // Only idle decisions are stored before a shard's first checkpoint (its start entry).
            ShardProgress start = progress.load(shardId, null).orElse(ShardProgress.initial());
            ProgressException.requireSameDefinitions(config, start.definitions(), "shard " + shardId
                    + " stored its progress");
            return start;
        }
        ShardProgress stored = progress.load(shardId, checkpoint).orElseThrow(() -> new ProgressException("shard "
                + shardId + " was checkpointed at " + checkpoint + " but no progress is stored for that checkpoint "
                + "(progress table emptied or replaced, or the shard checkpointed by another application), so its "
                + "open windows cannot be rebuilt"));
        ProgressException.requireSameDefinitions(config, stored.definitions(), "shard " + shardId
                + " stored its progress");
        return stored;
    }

    public String shardId() {
        return shardId;
    }

    /** The task's engine, for its statistics and for tests. */
    public ShardEngine engine() {
        return engine;
    }

    /** Whether an engine error stopped this task: it takes nothing more until the shard is restarted. */
    public boolean isStalled() {
        return stalled;
    }

    /** Whether a newer owner took the shard over: this task writes nothing more; drop it as on lease loss. */
    public boolean isFenced() {
        return fenced;
    }

    /**
     * Runs records through the engine in shard order (redeliveries are ignored by the engine).
     *
     * @return false when the task is (now) stalled
     */
    public boolean process(List<InputRecord> records) {
        if (stalled || fenced) {
            return false;
        }
        try {
            records.forEach(engine::process);
        } catch (RuntimeException e) {
            stall("processing records", e);
        }
        return !stalled;
    }

    /**
     * The shard has had no new records for {@code idleMillis} of processing time (the adapter measures it): advances
     * the watermark by that much, or to its entry of {@code startTimes} for a metric with no event time yet
     * ({@link ShardEngine#advanceIdle}), stores the decision in the shard's progress (under the current checkpoint,
     * so a replay from it repeats the decision at the same record), and only then writes the results it fired and
     * the fired-through marks it moved.
     *
     * @param startTimes per metric, the highest event time a metric without one takes (the adapter's choice: core
     *                   reads no table and no clock); a metric absent from it stays without a time
     * @return false when a write failed (the decision or its results are stored first on the next attempt) or the
     *         task is stalled or fenced; true when written, or when there was nothing to advance
     */
    public boolean idle(long idleMillis, Map<String, Long> startTimes) {
        if (!writeFiredResults()) {
            return false;
        }
        try {
            if (!engine.advanceIdle(idleMillis, startTimes)) {
                return true;
            }
        } catch (RuntimeException e) {
            stall("advancing an idle watermark", e);
            return false;
        }
        idleDecisionUnstored = true;
        return writeFiredResults() && storeMarks();
    }

    /** Declares the shard's input complete (shard end, drain): every open window fires. No record may follow. */
    public void endOfInput() {
        engine.endOfInput();
    }

    /**
     * Writes every partial fired so far (and any an earlier attempt could not write).
     *
     * @return false when some are still unwritten (kept for the next attempt), or the task is stalled
     */
    public boolean writeFiredResults() {
        if (stalled || fenced) {
            return false;
        }
        unwrittenResults.addAll(engine.takeFiredResults());
        if ((versionsUnstored || idleDecisionUnstored) && !storeProgress(engine.idleProgress())) {
            return false;
        }
        if (unwrittenResults.isEmpty()) {
            return true;
        }
        try {
            // Partials are absolute values fixed by the shard's records, so an owner's rewrite equals a zombie's;
            // the check stops a zombie at its next write (a drained zombie's early windows would differ).
            ports.ownership().requireOwner(shardId, epoch);
            ports.results().write(unwrittenResults);
        } catch (FencedException e) {
            fence(e);
            return false;
        } catch (RuntimeException e) {
            listener.resultsWriteFailed(unwrittenResults.size(), e);
            return false;
        }
        listener.resultsWritten(unwrittenResults.size());
        unwrittenResults.clear();
        return storeMarks();
    }

    /**
     * Stores the engine's fired-through marks if they moved since last stored; only once every partial they cover
     * is written (none unwritten), and under the owner epoch like the results themselves. Called after results are
     * written and at each checkpoint, so the marks trail the results by at most a checkpoint interval.
     */
    private boolean storeMarks() {
        Map<String, Long> marks = engine.firedThrough();
        if (!unwrittenResults.isEmpty() || marks.isEmpty() || marks.equals(storedMarks)) {
            return unwrittenResults.isEmpty();
        }
        try {
            ports.ownership().requireOwner(shardId, epoch);
            ports.results().markFiredThrough(shardId, marks);
        } catch (FencedException e) {
            fence(e);
            return false;
        } catch (RuntimeException e) {
            listener.marksWriteFailed(e);
            return false;
        }
        storedMarks = marks;
        return true;
    }

    /**
     * Stores {@code progress}, the committed checkpoint's with what was decided since (idle decisions, the reference
     * versions the task started with or reloaded), before any result relying on it.
     */
    private boolean storeProgress(ShardProgress progress) {
        try {
            ports.progress().save(shardId, progress, epoch);
        } catch (FencedException e) {
            fence(e);
            return false;
        } catch (RuntimeException e) {
            listener.idleDecisionWriteFailed(e);
            return false;
        }
        versionsUnstored = false;
        if (idleDecisionUnstored) {
            idleDecisionUnstored = false;
            listener.idleAdvanced(progress.idleAdvances().get(progress.idleAdvances().size() - 1));
        }
        return true;
    }

    /**
     * Runs the checkpoint protocol once: results, plan, interval objects, progress, checkpoint, commit.
     *
     * @param atShardEnd checkpoint the shard's end instead of the plan's position, also when nothing is left to plan
     *                   (call {@link #endOfInput} first)
     * @return true when the checkpoint was taken or there was nothing to checkpoint; false when a step failed (the
     *         task keeps its state; call again later) or the task is stalled
     */
    public boolean checkpoint(Checkpointer checkpointer, boolean atShardEnd) {
        if (!writeFiredResults() || !storeMarks() || !reload()) {
            return false;
        }
        Optional<CheckpointPlan> planned;
        try {
            planned = engine.planCheckpoint();
        } catch (RuntimeException e) {
            stall("planning a checkpoint", e);
            return false;
        }
        if (planned.isEmpty()) {
            return !atShardEnd || checkpointer.checkpointShardEnd();
        }
        CheckpointPlan plan = planned.get();
        try {
            // S3 cannot condition a write on DynamoDB: check right before; the keys are the interval's first
            // record, so an owner's replay rewrites the same keys. Progress is conditional on the epoch itself.
            ports.ownership().requireOwner(shardId, epoch);
            ports.intervals().write(shardId, plan);
            if (plan.snapshot() != null) {
                // Before the progress naming it; a failure after this leaves an unnamed key, pruned later.
                ports.snapshots().write(shardId, plan.checkpointAt(), plan.progress().snapshot(), plan.snapshot());
            }
            ports.progress().save(shardId, plan.progress(), epoch);
        } catch (FencedException e) {
            fence(e);
            return false;
        } catch (RuntimeException e) {
            listener.intervalWriteFailed(plan, e);
            return false;
        }
        boolean recorded = atShardEnd ? checkpointer.checkpointShardEnd() : checkpointer.checkpoint(plan.checkpointAt());
        if (!recorded) {
            return false;
        }
        engine.commit(plan);
        listener.checkpointed(plan);
        prune(plan.checkpointAt());
        return true;
    }

    /**
     * Takes the newest reference tables if they changed: stores the progress naming them as in effect after the last
     * record processed (under the committed checkpoint, as an idle decision), and only then joins with them.
     *
     * @return false when that store failed (the next checkpoint offers them again)
     */
    private boolean reload() {
        try {
            if (!joining || !engine.offerTables(ports.references().newest())) {
                return true;
            }
        } catch (RuntimeException e) {
            stall("offering reloaded reference tables", e);
            return false;
        }
        if (!storeProgress(engine.reloadProgress())) {
            return false;
        }
        engine.takeOfferedTables();
        listener.referenceTablesReloaded(engine.idleProgress().referenceVersions());
        return true;
    }

    /**
     * Keeps the progress entries and snapshots of the previous and the new checkpoint: the process may die before KCL
     * records the next.
     */
    private void prune(RecordPosition taken) {
        RecordPosition previous = lastCheckpoint;
        lastCheckpoint = taken;
        if (previous == null) {
            return;
        }
        try {
            ports.progress().deleteBefore(shardId, previous);
            ports.snapshots().deleteBefore(shardId, previous);
        } catch (RuntimeException e) {
            listener.pruneFailed(previous, e);
        }
    }

    private void fence(FencedException e) {
        fenced = true;
        listener.fenced(e);
    }

    private void stall(String during, RuntimeException e) {
        stalled = true;
        listener.stalled(during, e);
    }
}
