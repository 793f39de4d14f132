package io.rtpipe.consumer;

import io.rtpipe.core.engine.EngineConfig;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Creates one {@link AnalyticsRecordProcessor} per shard lease; all share the sinks, stats and drain switch. */
final class AnalyticsProcessorFactory implements ShardRecordProcessorFactory {

    private final EngineConfig engineConfig;
    private final ShardOutputs outputs;
    private final ConsumerStats stats;
    private final Duration checkpointInterval;
    private final BooleanSupplier drainRequested;
    private final Clock clock;

    AnalyticsProcessorFactory(EngineConfig engineConfig, ShardOutputs outputs, ConsumerStats stats,
                              Duration checkpointInterval, BooleanSupplier drainRequested, Clock clock) {
        this.engineConfig = engineConfig;
        this.outputs = outputs;
        this.stats = stats;
        this.checkpointInterval = checkpointInterval;
        this.drainRequested = drainRequested;
        this.clock = clock;
    }

    @Override
    public ShardRecordProcessor shardRecordProcessor() {
        return new AnalyticsRecordProcessor(engineConfig, outputs, stats, checkpointInterval, drainRequested, clock);
    }
}
