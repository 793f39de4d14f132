package io.rtpipe.core.testing;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.result.ResultMerger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Runs {@link ShardEngine}s the way the KCL consumer does, against in-memory stores that behave like the production
 * sinks, so engine logic and crash recovery can be tested without AWS (the role Kafka Streams' TopologyTestDriver
 * plays there).
 * <ul>
 *   <li>Each shard is an append-only list of records (the stream); {@link #send} appends one and processes it.</li>
 *   <li>Results go to a store keyed like the DynamoDB results table, (metric, window start, key, shard), where a write
 *       replaces the item; a replacement with a different value is recorded in {@link #conflictingWrites()}
 *       (it would mean a replay was not deterministic).</li>
 *   <li>Archive, dead-letter and late-record objects go to per-shard maps keyed like the S3 objects, by the interval's
 *       first position; a write replaces the object (also when the new list is empty).</li>
 *   <li>Shard progress is stored like the DynamoDB progress item: the new entry plus the entry of KCL's current
 *       checkpoint. A restart restores the entry whose checkpoint equals KCL's checkpoint and replays every record
 *       after it.</li>
 * </ul>
 * Not thread-safe.
 */
public final class EngineTestDriver {
    private final EngineConfig config;
    private final ResultMerger merger;
    private final Map<String, Shard> shards = new TreeMap<>();
    private final Map<ResultKey, WindowResult> results = new HashMap<>();
    private final List<String> conflicts = new ArrayList<>();

    /** How the results store keys an item: one per metric, window, group key and shard. */
    public record ResultKey(String metric, Instant windowStart, Map<String, String> key, String shardId) {
        static ResultKey of(WindowResult result) {
            return new ResultKey(result.metric(), result.windowStart(), result.key(), result.shardId());
        }
    }

    private final class Shard {
        final String id;
        final List<InputRecord> stream = new ArrayList<>();
        final NavigableMap<RecordPosition, List<InputRecord>> archive = new TreeMap<>();
        final NavigableMap<RecordPosition, List<DeadLetter>> deadLetters = new TreeMap<>();
        final NavigableMap<RecordPosition, List<LateRecord>> lateRecords = new TreeMap<>();
        final List<ShardProgress> progress = new ArrayList<>();
        ShardEngine engine;
        RecordPosition kclCheckpoint;
        boolean ended;
        boolean shardEndCheckpointed;
        int restarts;

        Shard(String id) {
            this.id = id;
            engine = new ShardEngine(config, id, ShardProgress.initial());
        }
    }

    /** A driver for the built-in metric. */
    public EngineTestDriver() {
        this(EngineConfig.defaults());
    }

    public EngineTestDriver(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.merger = new ResultMerger(config);
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
        shard.engine.process(record);
        return record;
    }

    /** Takes the shard's fired results and writes them to the results store. */
    public void writeResults(String shardId) {
        writeResults(shard(shardId));
    }

    private void writeResults(Shard shard) {
        for (WindowResult result : shard.engine.takeFiredResults()) {
            WindowResult before = results.put(ResultKey.of(result), result);
            if (before != null && !sameItem(before, result)) {
                conflicts.add("shard " + shard.id + " rewrote " + ResultKey.of(result) + ": " + before.values()
                        + " -> " + result.values());
            }
        }
    }

    /** Whether two writes carry the same item (sketch partials are byte arrays: compared by content). */
    private static boolean sameItem(WindowResult a, WindowResult b) {
        if (!a.metric().equals(b.metric()) || !a.windowStart().equals(b.windowStart())
                || !a.windowEnd().equals(b.windowEnd()) || !a.key().equals(b.key())
                || !a.values().keySet().equals(b.values().keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> value : a.values().entrySet()) {
            if (!java.util.Objects.deepEquals(value.getValue(), b.values().get(value.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the whole checkpoint protocol: write results; plan; write the interval's objects; store progress;
     * checkpoint KCL; commit.
     *
     * @return whether the shard was checkpointed at a new position
     */
    public boolean checkpoint(String shardId) {
        return runCheckpoint(shard(shardId), null);
    }

    /**
     * Runs the checkpoint protocol up to and including {@code crashAfter}, then {@link #crash}es the shard's worker.
     * If the engine has nothing to plan, the crash follows the result writes.
     */
    public void crashDuringCheckpoint(String shardId, CheckpointStep crashAfter) {
        runCheckpoint(shard(shardId), Objects.requireNonNull(crashAfter, "crashAfter"));
    }

    private boolean runCheckpoint(Shard shard, CheckpointStep crashAfter) {
        writeResults(shard);
        Optional<CheckpointPlan> planned = crashAfter == CheckpointStep.RESULTS_WRITTEN
                ? Optional.empty() : shard.engine.planCheckpoint();
        if (planned.isEmpty()) {
            if (crashAfter != null) {
                restart(shard);
            } else if (shard.ended) {
                shard.shardEndCheckpointed = true; // KCL's SHARD_END checkpoint: every record is already covered
            }
            return false;
        }
        CheckpointPlan plan = planned.get();
        shard.archive.put(plan.firstPosition(), plan.archive());
        shard.deadLetters.put(plan.firstPosition(), plan.deadLetters());
        shard.lateRecords.put(plan.firstPosition(), plan.lateRecords());
        if (crashAfter == CheckpointStep.ARCHIVE_WRITTEN) {
            restart(shard);
            return false;
        }
        shard.progress.removeIf(p -> !Objects.equals(p.checkpoint(), shard.kclCheckpoint)
                || Objects.equals(p.checkpoint(), plan.checkpointAt()));
        shard.progress.add(plan.progress());
        if (crashAfter == CheckpointStep.PROGRESS_STORED) {
            restart(shard);
            return false;
        }
        shard.kclCheckpoint = plan.checkpointAt();
        shard.shardEndCheckpointed = shard.ended && plan.checkpointAt().equals(lastPosition(shard));
        if (crashAfter == CheckpointStep.KCL_CHECKPOINTED) {
            restart(shard);
            return true;
        }
        shard.engine.commit(plan);
        return true;
    }

    private static RecordPosition lastPosition(Shard shard) {
        return shard.stream.get(shard.stream.size() - 1).position();
    }

    /**
     * Simulates the worker dying (or losing the lease) at this point: the engine and everything not yet written are
     * lost; a new engine is restored from the stored progress of KCL's checkpoint and fed every record after that
     * checkpoint again; if the shard's input had ended, it is ended again (KCL calls shardEnded again).
     */
    public void crash(String shardId) {
        restart(shard(shardId));
    }

    private void restart(Shard shard) {
        ShardProgress restoreFrom = shard.progress.stream()
                .filter(p -> Objects.equals(p.checkpoint(), shard.kclCheckpoint))
                .findFirst()
                .orElseGet(() -> {
                    if (shard.kclCheckpoint != null) {
                        throw new IllegalStateException("no stored progress for shard " + shard.id
                                + " at its KCL checkpoint " + shard.kclCheckpoint);
                    }
                    return ShardProgress.initial();
                });
        shard.engine = new ShardEngine(config, shard.id, restoreFrom);
        shard.restarts++;
        for (InputRecord record : shard.stream) {
            if (shard.kclCheckpoint == null || record.position().compareTo(shard.kclCheckpoint) > 0) {
                shard.engine.process(record);
            }
        }
        if (shard.ended) {
            shard.engine.endOfInput();
        }
    }

    /** Declares the shard's input complete (KCL's shardEnded, or a drain): its engine fires every open window. */
    public void endOfInput(String shardId) {
        Shard shard = shard(shardId);
        shard.ended = true;
        shard.engine.endOfInput();
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
        return merger.merge(results.values());
    }

    /** The results store's items (per-shard partials). */
    public Map<ResultKey, WindowResult> storedResults() {
        return Collections.unmodifiableMap(new HashMap<>(results));
    }

    /** Writes that replaced a result with a different value; empty when every replay was deterministic. */
    public List<String> conflictingWrites() {
        return List.copyOf(conflicts);
    }

    /** The shard's archive objects, by interval first position. */
    public NavigableMap<RecordPosition, List<InputRecord>> archive(String shardId) {
        return Collections.unmodifiableNavigableMap(shard(shardId).archive);
    }

    /** Every archived record of the shard: the objects' contents in key order. */
    public List<InputRecord> archivedRecords(String shardId) {
        return flatten(shard(shardId).archive);
    }

    /** Every dead letter written for the shard, in interval order. */
    public List<DeadLetter> deadLetters(String shardId) {
        return flatten(shard(shardId).deadLetters);
    }

    /** Every late record written for the shard, in interval order. */
    public List<LateRecord> lateRecords(String shardId) {
        return flatten(shard(shardId).lateRecords);
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
        return shard(shardId).engine;
    }

    /** Where KCL would resume the shard: records after this are redelivered (null: from the start). */
    public RecordPosition kclCheckpoint(String shardId) {
        return shard(shardId).kclCheckpoint;
    }

    /** Whether the shard ended and was checkpointed at its end (KCL's SHARD_END). */
    public boolean isShardEndCheckpointed(String shardId) {
        return shard(shardId).shardEndCheckpointed;
    }

    /** How many times the shard's worker was restarted. */
    public int restarts(String shardId) {
        return shard(shardId).restarts;
    }

    /** The shard ids sent to so far. */
    public List<String> shardIds() {
        return List.copyOf(shards.keySet());
    }

    private Shard shard(String shardId) {
        Shard shard = shards.get(shardId);
        if (shard == null) {
            throw new IllegalArgumentException("no record was sent to shard '" + shardId + "'");
        }
        return shard;
    }
}
