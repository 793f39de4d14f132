package io.rtpipe.lambda.analytics;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.Checkpointer;
import io.rtpipe.core.task.IntervalPort;
import io.rtpipe.core.task.OwnershipPort;
import io.rtpipe.core.task.ProgressPort;
import io.rtpipe.core.task.ShardTask;
import io.rtpipe.core.task.TaskListener;
import io.rtpipe.core.task.TaskPorts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's part of one invocation, run as core's {@link ShardTask} (the consumer's checkpoint protocol): a fresh
 * task resumed from the carried state runs the batch, fires every window it touched ({@code endOfInput}: the batch
 * is all this invocation sees), writes the batch's interval objects, and only then are the fired partials merged into
 * the state. What differs from the consumer, and so is done here rather than by the task's ports: partials are
 * "written" into the returned state (the results table gets them at the window's final invocation, under the
 * Lambda window's partial id); progress rides in the state too; the checkpoint is Lambda advancing past the batch
 * when the handler reports no batch item failure.
 */
public final class BatchFolder {

    /**
     * @param state   the state with the batch folded in (the same state if the batch held only redeliveries), or the
     *                incoming state when {@code failure} is set
     * @param failure why the batch's interval objects could not be written (then nothing was folded), else null
     */
    public record Folded(WindowState state, RuntimeException failure) {
    }

    /** The progress the consumer stores in DynamoDB is carried in the returned {@link WindowState} instead. */
    private static final ProgressPort CARRIED_IN_STATE = new ProgressPort() {
        @Override
        public void save(String shardId, ShardProgress progress, long epoch) {
        }

        @Override
        public Optional<ShardProgress> load(String shardId, RecordPosition checkpoint) {
            return Optional.empty();
        }

        @Override
        public void deleteBefore(String shardId, RecordPosition keepFrom) {
        }
    };

    /** Lambda's checkpoint is the response: it advances past the batch unless the handler reports a failure. */
    private static final Checkpointer BY_RESPONSE = new Checkpointer() {
        @Override
        public boolean checkpoint(RecordPosition at) {
            return true;
        }

        @Override
        public boolean checkpointShardEnd() {
            return true;
        }
    };

    private final EngineConfig config;

    /**
     * @throws IllegalArgumentException for a spec that joins reference tables: the state carried between invocations
     *                                  and Lambda windows holds no reference versions, so a retried batch could be
     *                                  joined with another version than its first run
     */
    public BatchFolder(EngineConfig config) {
        if (!config.references().isEmpty()) {
            throw new IllegalArgumentException("the analytics Lambda does not join reference tables (its window state "
                    + "carries no reference versions), and the spec names " + config.references().size()
                    + ": run it in the KCL consumer (rtpipe consume) instead");
        }
        this.config = config;
    }

    /** Folds {@code records} into {@code state}, writing their interval objects to {@code intervals} first. */
    public Folded fold(String shardId, WindowState state, List<InputRecord> records, IntervalPort intervals) {
        var batch = new Batch();
        var ports = new TaskPorts(intervals, batch.partials::addAll, CARRIED_IN_STATE, OwnershipPort.SINGLE_WRITER);
        var task = ShardTask.resume(config, shardId, "lambda", state.engineProgress(), ports, batch);
        task.process(records);
        task.endOfInput();
        if (!task.checkpoint(BY_RESPONSE, false)) {
            return new Folded(state, batch.failure);
        }
        return new Folded(batch.plan == null ? state : state.plus(batch.plan, batch.partials, config), null);
    }

    /**
     * Per metric, the shard's fired-through mark once {@code state}'s results are written: the watermark of its
     * highest event times, as a shard engine that had run through every record so far would report it (the task of
     * each batch fires everything at {@code endOfInput}, which says only that the batch is folded in).
     */
    public Map<String, Long> firedThrough(String shardId, WindowState state) {
        return new ShardEngine(config, shardId, state.engineProgress()).firedThrough();
    }

    /** What the task reports for one batch. */
    private static final class Batch implements TaskListener {
        final List<WindowResult> partials = new ArrayList<>();
        CheckpointPlan plan;
        RuntimeException failure;

        @Override
        public void intervalWriteFailed(CheckpointPlan failed, RuntimeException cause) {
            failure = cause;
        }

        @Override
        public void checkpointed(CheckpointPlan taken) {
            plan = taken;
        }

        /** Lambda retries a failed invocation from the incoming state: the engine error surfaces as one. */
        @Override
        public void stalled(String during, RuntimeException cause) {
            throw cause;
        }
    }
}
