package io.rtpipe.consumer;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.IdleAdvance;
import io.rtpipe.core.checkpoint.ReferenceVersions;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.FencedException;
import io.rtpipe.core.task.ProgressException;
import io.rtpipe.core.task.ShardTask;
import io.rtpipe.core.task.TaskListener;
import io.rtpipe.core.task.TaskPorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * KCL's lifecycle calls for one shard, mapped onto a {@link ShardTask} (which owns the checkpoint protocol:
 * docs/ARCHITECTURE.md): records go to the task, fired partials are written after every batch, a checkpoint is
 * attempted every {@code checkpointInterval}, at shard end (SHARD_END, after every window fired) and at a graceful
 * hand-off (open windows stay unwritten: the next owner rebuilds them from the replay).
 *
 * <p>A failed write is logged and retried on the next call with the state kept; the worker never crashes. Lease loss
 * drops the state: the next owner replays from the last checkpoint and rewrites the same keys. An unexpected engine
 * error stalls the shard (logged at ERROR, no further checkpoints) rather than skipping records.
 */
final class AnalyticsRecordProcessor implements ShardRecordProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsRecordProcessor.class);

    private final EngineConfig engineConfig;
    private final String workerId;
    private final TaskPorts ports;
    private final ConsumerStats stats;
    private final Duration checkpointInterval;
    private final Duration idleWatermarkAfter;
    private final BooleanSupplier drainRequested;
    private final Consumer<ProgressException> refused;
    private final Clock clock;
    private final MarkReader marks;

    private String shardId;
    private ShardTask task;
    private Instant lastCheckpointAttempt;
    /** When the shard last gave new records (or read behind the tip), or last advanced its watermark for being idle. */
    private Instant lastActivity;
    /** Whether the last read of the other shards' marks failed (logged once until one succeeds). */
    private boolean marksUnreadable;

    /** Every shard's stored fired-through mark of a metric, read strongly consistent (the results table's). */
    @FunctionalInterface
    interface MarkReader {
        /** @throws RuntimeException when the marks could not be read */
        Map<String, Long> firedThrough(String metric);
    }

    /**
     * @param idleWatermarkAfter after this long with no new records (measured here, on KCL's empty reads), the task
     *                           advances the shard's watermark by as much ({@link ShardTask#idle}); ZERO: never
     * @param refused            told when a shard cannot resume from its stored progress (the worker must stop)
     * @param marks              where a shard without an event time for a metric finds its start at an idle
     *                           decision: the other shards' marks
     */
    AnalyticsRecordProcessor(EngineConfig engineConfig, String workerId, TaskPorts ports, ConsumerStats stats,
                             Duration checkpointInterval, Duration idleWatermarkAfter, BooleanSupplier drainRequested,
                             Consumer<ProgressException> refused, Clock clock, MarkReader marks) {
        this.engineConfig = engineConfig;
        this.workerId = workerId;
        this.ports = ports;
        this.stats = stats;
        this.checkpointInterval = checkpointInterval;
        this.idleWatermarkAfter = idleWatermarkAfter;
        this.drainRequested = drainRequested;
        this.refused = refused;
        this.clock = clock;
        this.marks = marks;
    }

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        ExtendedSequenceNumber handedOver = input.extendedSequenceNumber();
        // TRIM_HORIZON, LATEST, AT_TIMESTAMP: nothing read yet.
        RecordPosition checkpoint = handedOver == null || handedOver.isSentinelCheckpoint() ? null
                : new RecordPosition(handedOver.sequenceNumber(), handedOver.subSequenceNumber());
        try {
            task = ShardTask.start(engineConfig, shardId, workerId, checkpoint, ports, new Reports());
        } catch (ProgressException e) {
            // Resuming would write wrong results: the shard stays untouched and the worker stops (exit code 2).
            LOG.error("Shard {} not started: {}", shardId, e.getMessage());
            refused.accept(e);
            return;
        }
        lastCheckpointAttempt = clock.instant();
        lastActivity = lastCheckpointAttempt;
        stats.shardStarted(shardId);
        LOG.info("Shard {} starts after {}", shardId, checkpoint == null ? handedOver : checkpoint);
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        if (task == null) {
            return;
        }
        List<KinesisClientRecord> records = input.records();
        if (task.process(records.stream().map(AnalyticsRecordProcessor::toInputRecord).toList())) {
            stats.batchProcessed(shardId, records.size(), input.millisBehindLatest(), input.cacheEntryTime());
            Long behind = input.millisBehindLatest();
            if (!records.isEmpty() || (behind != null && behind > 0)) {
                // An empty read behind the tip (Kinesis skipping an empty stretch of a backlog) is not quiet: the
                // records ahead may be older than what an idle decision would make late.
                lastActivity = clock.instant();
            }
            if (task.writeFiredResults() && idleAdvanced() && checkpointDue()) {
                checkpoint(input.checkpointer(), false);
            }
        }
        if (task.isFenced()) {
            dropState(); // a newer owner holds the shard: as on lease loss (KCL's own notice may come later)
        }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        LOG.info("Lost the lease of shard {}: dropping its state; the next owner replays from the last checkpoint",
                shardId);
        dropState();
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        // Every open window is complete for this shard: fire all, write all, checkpoint SHARD_END (children wait for it).
        if (task == null || task.isStalled()) {
            LOG.error("Shard {} ended but its state is unusable: not checkpointing SHARD_END, so KCL retries it", shardId);
            return;
        }
        task.endOfInput();
        if (checkpoint(input.checkpointer(), true)) {
            LOG.info("Shard {} ended: every window written, checkpointed at SHARD_END", shardId);
            dropState();
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        if (task == null) {
            return;
        }
        if (task.isStalled()) {
            stats.handOffFailed();
            return;
        }
        boolean drain = drainRequested.getAsBoolean();
        if (drain) {
            // The operator declared the input complete: open windows are final, like at a shard end.
            task.endOfInput();
        }
        if (checkpoint(input.checkpointer(), false)) {
            LOG.info("Shard {} handed off{}", shardId, drain ? " after draining every window" : "");
        } else {
            stats.handOffFailed();
        }
    }

    /**
     * Tells the task the shard was idle for {@code idleWatermarkAfter} when it was (KCL calls with empty batches too),
     * with a start for each metric it has no event time for yet ({@link #startTimes}).
     *
     * @return false when the task could not store the decision or write its results (retried on the next call)
     */
    private boolean idleAdvanced() {
        Instant now = clock.instant();
        if (idleWatermarkAfter.isZero() || now.isBefore(lastActivity.plus(idleWatermarkAfter))) {
            return true;
        }
        Map<String, Long> startTimes = startTimes();
        if (startTimes != null && !task.idle(idleWatermarkAfter.toMillis(), startTimes)) {
            return false;
        }
        lastActivity = now; // the next advance (or the next try, after an unreadable mark) needs another idle period
        return true;
    }

    /**
     * Per metric without an event time on this shard, the lowest fired-through mark among the other shards that
     * have one, not counting finished shards ({@link ShardEngine#FIRED_EVERYTHING}): the shard then follows the
     * slowest busy one, and a metric no other shard marks stays without a time (on a stream empty everywhere, a
     * later backfill counts in full). One strongly consistent read per such metric, only at an idle decision.
     *
     * @return null when a read failed: no decision this time
     */
    private Map<String, Long> startTimes() {
        Set<String> timed = task.engine().firedThrough().keySet();
        Map<String, Long> starts = new HashMap<>();
        try {
            for (MetricSpec metric : engineConfig.metrics()) {
                if (timed.contains(metric.name())) {
                    continue;
                }
                marks.firedThrough(metric.name()).entrySet().stream()
                        .filter(mark -> !mark.getKey().equals(shardId)
                                && mark.getValue() != ShardEngine.FIRED_EVERYTHING)
                        .mapToLong(Map.Entry::getValue).min()
                        .ifPresent(lowest -> starts.put(metric.name(), lowest));
            }
        } catch (RuntimeException e) {
            if (!marksUnreadable) {
                LOG.warn("Shard {}: could not read the other shards' marks, taking no idle decision until they can "
                        + "be read: {}", shardId, e.getMessage());
            }
            marksUnreadable = true;
            return null;
        }
        marksUnreadable = false;
        return starts;
    }

    private boolean checkpointDue() {
        return !clock.instant().isBefore(lastCheckpointAttempt.plus(checkpointInterval));
    }

    private boolean checkpoint(RecordProcessorCheckpointer checkpointer, boolean atShardEnd) {
        lastCheckpointAttempt = clock.instant();
        return task.checkpoint(new KclCheckpointer(shardId, checkpointer), atShardEnd);
    }

    private void dropState() {
        task = null;
        if (shardId != null) {
            stats.shardStopped(shardId);
        }
    }

    static InputRecord toInputRecord(KinesisClientRecord record) {
        ByteBuffer data = record.data().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        Instant arrival = record.approximateArrivalTimestamp();
        return new InputRecord(new RecordPosition(record.sequenceNumber(), record.subSequenceNumber()),
                record.partitionKey(), arrival == null ? 0L : arrival.toEpochMilli(), bytes);
    }

    /** The task's reports, as this shard's log lines and counters. */
    private final class Reports implements TaskListener {
        @Override
        public void resultsWritten(int count) {
            stats.windowsWritten(count);
        }

        @Override
        public void resultsWriteFailed(int count, RuntimeException cause) {
            stats.writeFailed();
            LOG.warn("Shard {}: could not write {} window results, keeping them for the next attempt: {}", shardId,
                    count, cause.getMessage());
        }

        @Override
        public void marksWriteFailed(RuntimeException cause) {
            stats.writeFailed();
            LOG.warn("Shard {}: could not store its fired-through marks, trying again on the next write: {}", shardId,
                    cause.getMessage());
        }

        @Override
        public void intervalWriteFailed(CheckpointPlan plan, RuntimeException cause) {
            stats.writeFailed();
            LOG.warn("Shard {}: could not store the interval starting at {}, not checkpointing; retrying later: {}",
                    shardId, plan.firstPosition(), cause.getMessage());
        }

        @Override
        public void checkpointed(CheckpointPlan plan) {
            stats.checkpointed(shardId, plan.archive().size(), plan.deadLetters().size(), plan.lateRecords().size());
        }

        @Override
        public void idleAdvanced(IdleAdvance advance) {
            LOG.info("Shard {}: no new records for {}, watermark moved on after {} (event times {})", shardId,
                    idleWatermarkAfter, advance.after() == null ? "no record yet" : advance.after(),
                    advance.maxTimes());
        }

        @Override
        public void idleDecisionWriteFailed(RuntimeException cause) {
            stats.writeFailed();
            LOG.warn("Shard {}: could not store an idle-watermark decision or reference versions in its progress, "
                    + "holding the results that rely on them; retrying: {}", shardId, cause.getMessage());
        }

        @Override
        public void referenceTablesReloaded(List<ReferenceVersions> versions) {
            LOG.info("Shard {}: joins the records after its last one with reference versions {}", shardId,
                    versions.get(versions.size() - 1).versions());
        }

        @Override
        public void referenceVersionUnavailable(String name, String version, String used) {
            LOG.warn("Shard {}: its progress names version {} of reference {}, which the source no longer holds; "
                    + "the replayed records are joined with version {}, so their results may differ from the "
                    + "first run's", shardId, version, name, used);
        }

        @Override
        public void pruneFailed(RecordPosition keepFrom, RuntimeException cause) {
            LOG.debug("Shard {}: pruning old progress failed (harmless, retried next time): {}", shardId,
                    cause.getMessage());
        }

        @Override
        public void fenced(FencedException cause) {
            LOG.warn("Shard {}: write refused, dropping the shard: {}", shardId, cause.getMessage());
        }

        @Override
        public void stalled(String during, RuntimeException cause) {
            stats.shardStalled(shardId);
            LOG.error("Shard {} stopped advancing after an unexpected error while {}; no further checkpoints until "
                    + "the worker restarts and replays from the last one", shardId, during, cause);
        }
    }
}
