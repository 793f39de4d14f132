package io.rtpipe.consumer;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one shard through a {@link ShardEngine} and makes its output durable in the order the correctness model
 * needs (docs/ARCHITECTURE.md): fired window partials as soon as they fire; then, once per checkpoint interval, the
 * interval's S3 objects, the shard progress, the KCL checkpoint, and only then the engine's commit.
 *
 * <p>A failed write is logged and retried on the next call with the state kept: nothing is checkpointed past data
 * that is not durable, and the worker never crashes. Lease loss drops the state: the next owner replays from the
 * last checkpoint and, because every output is keyed deterministically and written as an absolute value, rewrites
 * the same keys. An unexpected engine error stalls the shard (logged at ERROR, no further checkpoints) rather than
 * skipping records; a restart replays from the last checkpoint.
 */
final class AnalyticsRecordProcessor implements ShardRecordProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsRecordProcessor.class);

    private final EngineConfig engineConfig;
    private final ShardOutputs outputs;
    private final ConsumerStats stats;
    private final Duration checkpointInterval;
    private final BooleanSupplier drainRequested;
    private final Clock clock;

    private String shardId;
    private ShardEngine engine;
    private boolean stalled;
    /** Partials taken from the engine but not yet durably written. */
    private final List<WindowResult> unwrittenResults = new ArrayList<>();
    /** The checkpoint before the last committed one: progress entries older than it are deleted. */
    private RecordPosition lastCheckpoint;
    private Instant lastCheckpointAttempt;

    AnalyticsRecordProcessor(EngineConfig engineConfig, ShardOutputs outputs, ConsumerStats stats,
                             Duration checkpointInterval, BooleanSupplier drainRequested, Clock clock) {
        this.engineConfig = engineConfig;
        this.outputs = outputs;
        this.stats = stats;
        this.checkpointInterval = checkpointInterval;
        this.drainRequested = drainRequested;
        this.clock = clock;
    }

    @Override
    public void initialize(InitializationInput input) {
        shardId = input.shardId();
        ShardProgress progress = restore(input.extendedSequenceNumber());
        engine = new ShardEngine(engineConfig, shardId, progress);
        lastCheckpoint = progress.checkpoint();
        lastCheckpointAttempt = clock.instant();
        stats.shardStarted(shardId);
        LOG.info("Shard {} starts after {}", shardId, progress.checkpoint() == null
                ? input.extendedSequenceNumber() : progress.checkpoint());
    }

    private ShardProgress restore(ExtendedSequenceNumber handedOver) {
        if (handedOver == null || handedOver.isSentinelCheckpoint()) {
            return ShardProgress.initial(); // TRIM_HORIZON, LATEST, AT_TIMESTAMP: nothing read yet
        }
        var checkpoint = new RecordPosition(handedOver.sequenceNumber(), handedOver.subSequenceNumber());
        Optional<ShardProgress> stored = outputs.progress().load(shardId, checkpoint);
        if (stored.isEmpty()) {
            LOG.error("Shard {} was checkpointed at {} but no progress is stored for that checkpoint (progress table "
                    + "emptied, or checkpointed by another program?): starting with fresh window state, so windows "
                    + "open at the checkpoint will be partial", shardId, checkpoint);
            return ShardProgress.initial();
        }
        return stored.get();
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        if (engine == null || stalled) {
            return;
        }
        List<KinesisClientRecord> records = input.records();
        try {
            for (KinesisClientRecord record : records) {
                engine.process(toInputRecord(record));
            }
        } catch (RuntimeException e) {
            stall("processing records", e);
            return;
        }
        stats.batchProcessed(shardId, records.size(), input.millisBehindLatest());
        if (writeFiredResults() && checkpointDue()) {
            checkpointAtPlan(input.checkpointer(), false);
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
        if (engine == null || stalled) {
            LOG.error("Shard {} ended but its state is unusable: not checkpointing SHARD_END, so KCL retries it", shardId);
            return;
        }
        engine.endOfInput();
        if (writeFiredResults() && checkpointAtPlan(input.checkpointer(), true)) {
            LOG.info("Shard {} ended: every window written, checkpointed at SHARD_END", shardId);
            dropState();
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        if (engine == null) {
            return;
        }
        if (stalled) {
            stats.handOffFailed();
            return;
        }
        boolean drain = drainRequested.getAsBoolean();
        if (drain) {
            // The operator declared the input complete: open windows are final, like at a shard end.
            engine.endOfInput();
        }
        // Otherwise open windows stay unwritten: the next owner rebuilds them from the replay after the checkpoint.
        if (writeFiredResults() && checkpointAtPlan(input.checkpointer(), false)) {
            LOG.info("Shard {} handed off{}", shardId, drain ? " after draining every window" : "");
        } else {
            stats.handOffFailed();
        }
    }

    /** Writes every partial taken from the engine; false when some are still unwritten. */
    private boolean writeFiredResults() {
        unwrittenResults.addAll(engine.takeFiredResults());
        if (unwrittenResults.isEmpty()) {
            return true;
        }
        try {
            outputs.results().write(unwrittenResults);
        } catch (RuntimeException e) {
            stats.writeFailed();
            LOG.warn("Shard {}: could not write {} window results, keeping them for the next attempt: {}", shardId,
                    unwrittenResults.size(), e.getMessage());
            return false;
        }
        stats.windowsWritten(unwrittenResults.size());
        unwrittenResults.clear();
        return true;
    }

    private boolean checkpointDue() {
        return !clock.instant().isBefore(lastCheckpointAttempt.plus(checkpointInterval));
    }

    /**
     * Plans a checkpoint and makes it durable: interval objects, progress, KCL checkpoint, engine commit.
     *
     * @param atShardEnd checkpoint SHARD_END instead of the plan's position (also when nothing is left to plan)
     * @return true when the checkpoint was taken (or there was nothing to checkpoint)
     */
    private boolean checkpointAtPlan(RecordProcessorCheckpointer checkpointer, boolean atShardEnd) {
        lastCheckpointAttempt = clock.instant();
        Optional<CheckpointPlan> planned;
        try {
            planned = engine.planCheckpoint();
        } catch (RuntimeException e) {
            stall("planning a checkpoint", e);
            return false;
        }
        if (planned.isEmpty() && !atShardEnd) {
            return true;
        }
        if (planned.isPresent()) {
            CheckpointPlan plan = planned.get();
            try {
                outputs.intervals().write(shardId, plan);
                outputs.progress().save(shardId, plan.progress());
            } catch (RuntimeException e) {
                stats.writeFailed();
                LOG.warn("Shard {}: could not store the interval starting at {}, not checkpointing; retrying later: {}",
                        shardId, plan.firstPosition(), e.getMessage());
                return false;
            }
        }
        try {
            if (atShardEnd) {
                checkpointer.checkpoint();
            } else {
                RecordPosition at = planned.get().checkpointAt();
                checkpointer.checkpoint(at.sequenceNumber(), at.subSequenceNumber());
            }
        } catch (ShutdownException e) {
            LOG.info("Shard {}: lease lost before the checkpoint; the next owner replays the interval", shardId);
            return false;
        } catch (ThrottlingException | KinesisClientLibDependencyException e) {
            LOG.warn("Shard {}: checkpoint failed, retrying later: {}", shardId, e.getMessage());
            return false;
        } catch (InvalidStateException | IllegalArgumentException e) {
            LOG.error("Shard {}: KCL rejected the checkpoint, retrying later", shardId, e);
            return false;
        }
        planned.ifPresent(plan -> committed(plan));
        return true;
    }

    private void committed(CheckpointPlan plan) {
        engine.commit(plan);
        stats.checkpointed(shardId, plan.archive().size(), plan.deadLetters().size(), plan.lateRecords().size());
        RecordPosition previous = lastCheckpoint;
        lastCheckpoint = plan.checkpointAt();
        if (previous != null) {
            try {
                outputs.progress().deleteBefore(shardId, previous);
            } catch (RuntimeException e) {
                LOG.debug("Shard {}: pruning old progress failed (harmless, retried next time): {}", shardId,
                        e.getMessage());
            }
        }
    }

    private void stall(String during, RuntimeException e) {
        stalled = true;
        stats.shardStalled(shardId);
        LOG.error("Shard {} stopped advancing after an unexpected error while {}; no further checkpoints until the "
                + "worker restarts and replays from the last one", shardId, during, e);
    }

    private void dropState() {
        engine = null;
        unwrittenResults.clear();
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
}
