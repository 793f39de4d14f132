package io.rtpipe.lambda.analytics;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.record.InputRecord;

import java.util.List;
import java.util.Optional;

/**
 * The engine's part of one invocation: a fresh {@link ShardEngine} resumed from the carried state runs the batch,
 * fires every window it touched ({@code endOfInput}: the batch is all this invocation sees), and the fired partials
 * are merged into the state. Pure: no AWS calls, the same inputs always give the same outputs.
 */
public final class BatchFolder {

    /**
     * @param state    the state with the batch folded in (the same state if the batch held only redeliveries)
     * @param interval every record the batch added, with its dead letters and late records, for the S3 sink
     */
    public record Folded(WindowState state, Optional<CheckpointPlan> interval) {
    }

    private final EngineConfig config;

    public BatchFolder(EngineConfig config) {
        this.config = config;
    }

    public Folded fold(String shardId, WindowState state, List<InputRecord> records) {
        var engine = new ShardEngine(config, shardId, state.engineProgress());
        records.forEach(engine::process);
        engine.endOfInput();
        List<WindowResult> partials = engine.takeFiredResults();
        Optional<CheckpointPlan> interval = engine.planCheckpoint();
        return interval.map(plan -> new Folded(state.plus(plan, partials, config), interval))
                .orElseGet(() -> new Folded(state, Optional.empty()));
    }
}
