package io.rtpipe.benchmarks;

import io.rtpipe.core.bench.EngineBench;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.record.InputRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link ShardEngine#process} per event on the engine benchmark's input and specs, with fired results taken and a
 * checkpoint planned and committed every 1,024 records as the consumer does. 400,000 events (40 s of event time,
 * 10,000 pages) are replayed through a fresh engine each time they run out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ShardEngineBenchmark {
    private static final int CHECKPOINT_EVERY = 1_024;

    @Param({"count-sum", "count-sum-distinct-p99"})
    public String spec;

    private List<InputRecord> records;
    private EngineConfig config;
    private ShardEngine engine;
    private int next;

    @Setup
    public void setUp() {
        records = BenchLines.records(400_000);
        config = EngineBench.loadSpec("builtin:" + spec);
        engine = new ShardEngine(config, "bench", ShardProgress.initial());
    }

    @Benchmark
    public ShardEngine process() {
        if (next == records.size()) {
            next = 0;
            engine = new ShardEngine(config, "bench", ShardProgress.initial());
        }
        engine.process(records.get(next++));
        if (next % CHECKPOINT_EVERY == 0) {
            engine.takeFiredResults();
            engine.planCheckpoint().ifPresent(engine::commit);
        }
        return engine;
    }
}
