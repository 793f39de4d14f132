package io.rtpipe.core.testing;

import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.ResultMerger;
import io.rtpipe.core.task.Checkpointer;
import io.rtpipe.core.task.ShardTask;
import io.rtpipe.core.task.TaskListener;
import io.rtpipe.core.task.TaskPorts;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Runs each shard's {@link ShardTask} (the same class the KCL consumer and the Lambda handler run) against in-memory
 * stores that behave like the production ones and fail or crash on command, so engine logic, the checkpoint protocol
 * and crash recovery are tested without AWS (the role Kafka Streams' TopologyTestDriver plays for its StreamTask).
 * <ul>
 *   <li>Each shard is an append-only list of records (the stream); {@link #send} appends one and processes it.</li>
 *   <li>Results go to a store keyed like the DynamoDB results table, (metric, window start, key, shard), where a write
 *       replaces the item; a replacement with a different value is recorded in {@link #conflictingWrites()}
 *       (it would mean a replay was not deterministic).</li>
 *   <li>Archive, dead-letter and late-record objects go to per-shard maps keyed like the S3 objects, by the interval's
 *       first position; a write replaces the object (also when the new list is empty).</li>
 *   <li>Shard progress is stored like the DynamoDB progress item, one entry per checkpoint, pruned by the task.
 *       A restart restores the entry whose checkpoint equals KCL's checkpoint (no entry there, or one written under
 *       another definition of a metric, throws {@link io.rtpipe.core.task.ProgressException}) and replays every
 *       record after it.</li>
 *   <li>With snapshots ({@link #EngineTestDriver(EngineConfig, boolean)}), each checkpoint also stores the open
 *       window state under the shard, checkpoint and snapshot id, and a restart restores it instead of replaying
 *       what the windows hold.</li>
 * </ul>
 * Not thread-safe.
 */
public final class EngineTestDriver {
    private final EngineConfig config;
    private final ResultMerger merger;
    private final Faults faults = new Faults();
    private final InMemoryResults results = new InMemoryResults(faults);
    private final InMemoryIntervals intervals = new InMemoryIntervals(faults);
    private final InMemoryProgress progress = new InMemoryProgress(faults);
    private final InMemorySnapshots snapshots = new InMemorySnapshots(faults);
    private final TaskPorts ports;
    private final Map<String, Shard> shards = new TreeMap<>();

    /** How the results store keys an item: one per metric, window, group key and shard. */
    public record ResultKey(String metric, Instant windowStart, Map<String, String> key, String shardId) {
        static ResultKey of(WindowResult result) {
            return new ResultKey(result.metric(), result.windowStart(), result.key(), result.shardId());
        }
    }

    /** An engine error is a bug the test must see, not a state to survive as the consumer does. */
    private static final TaskListener RETHROW_ENGINE_ERRORS = new TaskListener() {
        @Override
        public void stalled(String during, RuntimeException cause) {
            throw cause;
        }
    };

    /** KCL refuses every checkpoint of a worker that lost the lease. */
    private static final Checkpointer LEASE_LOST = new Checkpointer() {
        @Override
        public boolean checkpoint(RecordPosition at) {
            return false;
        }

        @Override
        public boolean checkpointShardEnd() {
            return false;
        }
    };

    private final class Shard {
        final String id;
        final List<InputRecord> stream = new ArrayList<>();
        final InMemoryCheckpointer checkpointer;
        /** The spec the shard's worker runs (another after {@link #redeploy}). */
        EngineConfig config = EngineTestDriver.this.config;
        ShardTask task;
        /** Workers that lost the shard's lease without noticing, still running until a write of theirs is refused. */
        final List<ShardTask> zombies = new ArrayList<>();
        boolean ended;
        int restarts;

        Shard(String id) {
            this.id = id;
            checkpointer = new InMemoryCheckpointer(faults,
                    () -> stream.isEmpty() ? null : stream.get(stream.size() - 1).position());
            task = ShardTask.start(config, id, owner(), null, ports, RETHROW_ENGINE_ERRORS);
        }

        String owner() {
            return "worker-" + restarts;
        }
    }

    /** A driver for the built-in metric. */
    public EngineTestDriver() {
        this(EngineConfig.defaults());
    }

    /** A driver whose shards checkpoint without snapshots (before every open window's first record). */
    public EngineTestDriver(EngineConfig config) {
        this(config, false);
    }

    /** @param snapshots whether checkpoints store window-state snapshots (as the KCL consumer does) */
    public EngineTestDriver(EngineConfig config, boolean snapshots) {
        this(config, snapshots, new InMemoryReferences());
    }

    /** @param references the reference tables the config's {@code references} are joined with */
    public EngineTestDriver(EngineConfig config, boolean snapshots, InMemoryReferences references) {
        this.config = Objects.requireNonNull(config, "config");
        this.merger = new ResultMerger(config);
        this.ports = (snapshots ? new TaskPorts(intervals, results, progress, progress, this.snapshots)
                : new TaskPorts(intervals, results, progress, progress)).withReferences(references);
    }

    /**
     * Appends a UTF-8 payload to the shard (created on first use) and processes it. It arrives at the end of the
     * supported time range, so no event time lies ahead of its arrival; arrival-time metrics want the other overload.
     */
    public InputRecord send(String shardId, String payload) {
        return send(shardId, payload.getBytes(StandardCharsets.UTF_8), MetricSpec.MAX_EVENT_TIME);
    }

    /**
     * Appends a record to the shard (created on first use) at the next sequence number and processes it.
     *
     * @throws IllegalStateException if the shard's input has ended
     */
    public InputRecord send(String shardId, byte[] payload, long arrivalMillis) {
        Shard shard = shards.computeIfAbsent(shardId, Shard::new);
        if (shard.ended) {
            throw new IllegalStateException("shard " + shardId + " has ended: no record may be sent to it");
        }
        // Fixed-width decimal sequence numbers, so their order is the order they were sent in.
        var position = RecordPosition.of(String.format("%021d", shard.stream.size() + 1));
        var record = new InputRecord(position, "pk-" + shard.stream.size(), arrivalMillis, payload);
        shard.stream.add(record);
        shard.task.process(List.of(record));
        shard.zombies.forEach(zombie -> zombie.process(List.of(record)));
        return record;
    }

    /**
     * Takes the shard's fired results and writes them to the results store.
     *
     * @return false when a write failed (only after {@link #failDuringCheckpoint}); the task keeps them
     */
    public boolean writeResults(String shardId) {
        return shard(shardId).task.writeFiredResults();
    }

    /**
     * The shard (created, with no record, on first use) had no new records for {@code idleTime}
     * ({@link ShardTask#idle}): its watermark moves on by that much (a metric without an event time takes its entry
     * of {@code startTimes}, if any), the decision is stored in its progress, then the results it fired and the
     * marks it moved are written.
     *
     * @return false when a write failed
     */
    public boolean idle(String shardId, Duration idleTime, Map<String, Long> startTimes) {
        return shards.computeIfAbsent(shardId, Shard::new).task.idle(idleTime.toMillis(), startTimes);
    }

    /**
     * As {@link #idle}, then the worker dies right after {@code crashAfter} ({@link CheckpointStep#PROGRESS_STORED}:
     * the decision is stored, its results are not; {@link CheckpointStep#RESULTS_WRITTEN}: both) and restarts. If
     * the shard had nothing to advance, it just restarts.
     */
    public void crashDuringIdle(String shardId, Duration idleTime, Map<String, Long> startTimes,
                                CheckpointStep crashAfter) {
        Shard shard = shards.computeIfAbsent(shardId, Shard::new);
        shard.task.writeFiredResults(); // what fired before the decision, so the crash follows the decision's writes
        faults.crashAfter(Objects.requireNonNull(crashAfter, "crashAfter"));
        try {
            shard.task.idle(idleTime.toMillis(), startTimes);
        } finally {
            faults.clear();
        }
        restart(shard);
    }

    /**
     * Runs the whole checkpoint protocol once ({@link ShardTask#checkpoint}; at the shard's end once its input
     * ended): write results; plan; write the interval's objects; store progress; checkpoint KCL; commit.
     *
     * @return whether the shard was checkpointed at a new position or had nothing to checkpoint
     */
    public boolean checkpoint(String shardId) {
        Shard shard = shard(shardId);
        return shard.task.checkpoint(shard.checkpointer, shard.ended);
    }

    /**
     * Runs the checkpoint protocol with {@code step} failing once before it writes anything (a sink outage or a
     * refused KCL checkpoint): the worker lives on with its state, and a later {@link #checkpoint} retries. If the
     * protocol does not reach the step (nothing to write there), nothing fails.
     *
     * @return whether the shard was checkpointed anyway (the step was not reached)
     */
    public boolean failDuringCheckpoint(String shardId, CheckpointStep step) {
        faults.failNext(Objects.requireNonNull(step, "step"));
        try {
            return checkpoint(shardId);
        } finally {
            faults.clear();
        }
    }

    /**
     * Runs the checkpoint protocol up to and including {@code crashAfter}, then {@link #crash}es the shard's worker.
     * If the protocol does not reach that step (no results to write, nothing to plan), the crash follows what it
     * did.
     */
    public void crashDuringCheckpoint(String shardId, CheckpointStep crashAfter) {
        Shard shard = shard(shardId);
        if (Objects.requireNonNull(crashAfter, "crashAfter") == CheckpointStep.RESULTS_WRITTEN) {
            shard.task.writeFiredResults(); // and die before planning
        } else {
            faults.crashAfter(crashAfter);
            try {
                shard.task.checkpoint(shard.checkpointer, shard.ended);
            } finally {
                faults.clear();
            }
        }
        restart(shard);
    }

    /**
     * Simulates the worker dying (or losing the lease) at this point: the task and everything not yet written are
     * lost; a new task is restored from the stored progress of KCL's checkpoint and fed every record after that
     * checkpoint again; if the shard's input had ended, it is ended again (KCL calls shardEnded again).
     */
    public void crash(String shardId) {
        restart(shard(shardId));
    }

    /**
     * Restarts the shard's worker (as {@link #crash}) running {@code newConfig}: a redeploy with a changed spec, or a
     * second worker of the application taking the shard over with its own spec.
     *
     * @throws io.rtpipe.core.task.ProgressException if a metric of {@code newConfig} is defined otherwise than when
     *                                               the shard's progress was stored (the worker refuses the shard)
     */
    public void redeploy(String shardId, EngineConfig newConfig) {
        Shard shard = shard(shardId);
        shard.config = Objects.requireNonNull(newConfig, "newConfig");
        restart(shard);
    }

    /**
     * The shard's worker loses its lease without noticing (a long pause, a partition) and a new worker takes the
     * shard over as after a {@link #crash}; the old one lives on as a zombie: it gets every record sent from now on
     * and writes when {@link #zombiesWrite} says, until one of its writes is refused (then it is dropped, as the
     * consumer drops a fenced task).
     */
    public void zombie(String shardId) {
        Shard shard = shard(shardId);
        shard.zombies.add(shard.task);
        restart(shard);
    }

    /**
     * Every zombie of the shard writes what it fired and tries a checkpoint (at the shard's end once its input
     * ended), as its old lease would have it do; KCL refuses its checkpoint.
     */
    public void zombiesWrite(String shardId) {
        Shard shard = shard(shardId);
        shard.zombies.forEach(zombie -> zombie.checkpoint(LEASE_LOST, shard.ended));
        shard.zombies.removeIf(ShardTask::isFenced);
    }

    /** Writes refused because a newer owner had claimed the shard (each names the shard and both epochs). */
    public List<String> refusedWrites() {
        return List.copyOf(progress.refused);
    }

    private void restart(Shard shard) {
        RecordPosition kclCheckpoint = shard.checkpointer.position;
        shard.restarts++;
        shard.task = ShardTask.start(shard.config, shard.id, shard.owner(), kclCheckpoint, ports,
                RETHROW_ENGINE_ERRORS);
        shard.task.process(shard.stream.stream()
                .filter(record -> kclCheckpoint == null || record.position().compareTo(kclCheckpoint) > 0)
                .toList());
        if (shard.ended) {
            shard.task.endOfInput();
        }
    }

    /** Declares the shard's input complete (KCL's shardEnded, or a drain): its engine fires every open window. */
    public void endOfInput(String shardId) {
        Shard shard = shard(shardId);
        shard.ended = true;
        shard.task.endOfInput();
        shard.zombies.forEach(ShardTask::endOfInput);
    }

    /**
     * An operator's drain of a bounded input ({@code rtpipe local}): the worker declares its input complete, fires
     * every open window, checkpoints and stops; the next run (a new worker, from KCL's checkpoint) may be sent more
     * records, which must not rewrite the drained windows.
     *
     * @return whether the drain's checkpoint was taken
     */
    public boolean drain(String shardId) {
        Shard shard = shard(shardId);
        shard.task.endOfInput();
        boolean checkpointed = shard.task.checkpoint(shard.checkpointer, false);
        restart(shard);
        return checkpointed;
    }

    /** {@link #endOfInput} then a full {@link #checkpoint}. */
    public void finish(String shardId) {
        endOfInput(shardId);
        checkpoint(shardId);
    }

    /** {@link #finish}es every shard. */
    public void finishAll() {
        shards.keySet().forEach(this::finish);
    }

    /** The results store's items merged across shards, ordered by metric, window start and key. */
    public List<MergedResult> mergedResults() {
        return merger.merge(results.items.values());
    }

    /** The results store's items (per-shard partials). */
    public Map<ResultKey, WindowResult> storedResults() {
        return Collections.unmodifiableMap(new HashMap<>(results.items));
    }

    /** The shard's fired-through marks as last stored, per metric (empty: none stored yet). */
    public Map<String, Long> firedThroughMarks(String shardId) {
        return results.marks.getOrDefault(shardId, Map.of());
    }

    /** Writes that replaced a result with a different value; empty when every replay was deterministic. */
    public List<String> conflictingWrites() {
        return List.copyOf(results.conflicts);
    }

    /** The shard's stored window-state snapshots: checkpoint to snapshot id to bytes (empty without snapshots). */
    public NavigableMap<RecordPosition, Map<String, byte[]>> snapshots(String shardId) {
        return Collections.unmodifiableNavigableMap(snapshots.of(shard(shardId).id));
    }

    /** The shard's archive objects, by interval first position. */
    public NavigableMap<RecordPosition, List<InputRecord>> archive(String shardId) {
        return Collections.unmodifiableNavigableMap(objects(shardId).archive);
    }

    /** Every archived record of the shard: the objects' contents in key order. */
    public List<InputRecord> archivedRecords(String shardId) {
        return flatten(objects(shardId).archive);
    }

    /** Every dead letter written for the shard, in interval order. */
    public List<DeadLetter> deadLetters(String shardId) {
        return flatten(objects(shardId).deadLetters);
    }

    /** Every late record written for the shard, in interval order. */
    public List<LateRecord> lateRecords(String shardId) {
        return flatten(objects(shardId).lateRecords);
    }

    private static <T> List<T> flatten(NavigableMap<RecordPosition, List<T>> objects) {
        List<T> all = new ArrayList<>();
        objects.values().forEach(all::addAll);
        return all;
    }

    /** Every record sent to the shard, in order. */
    public List<InputRecord> stream(String shardId) {
        return List.copyOf(shard(shardId).stream);
    }

    /** The shard's current engine (replaced by every crash). */
    public ShardEngine engine(String shardId) {
        return shard(shardId).task.engine();
    }

    /** Where KCL would resume the shard: records after this are redelivered (null: from the start). */
    public RecordPosition kclCheckpoint(String shardId) {
        return shard(shardId).checkpointer.position;
    }

    /** Whether the shard ended and was checkpointed at its end (KCL's SHARD_END). */
    public boolean isShardEndCheckpointed(String shardId) {
        return shard(shardId).checkpointer.shardEnd;
    }

    /** How many times the shard's worker was restarted. */
    public int restarts(String shardId) {
        return shard(shardId).restarts;
    }

    /** The shard ids sent to so far. */
    public List<String> shardIds() {
        return List.copyOf(shards.keySet());
    }

    private InMemoryIntervals.ShardObjects objects(String shardId) {
        return intervals.of(shard(shardId).id);
    }

    private Shard shard(String shardId) {
        Shard shard = shards.get(shardId);
        if (shard == null) {
            throw new IllegalArgumentException("no record was sent to shard '" + shardId + "'");
        }
        return shard;
    }
}
