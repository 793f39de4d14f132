package io.rtpipe.benchmarks;

import io.rtpipe.core.aggregate.AggregateState;
import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.aggregate.AggregatorParams;
import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.record.RecordPosition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One update of each built-in aggregate the engine benchmark uses, as the engine makes it: a fresh state per
 * (window, key) after {@code valuesPerState} updates (60 is the engine benchmark's mean per page and minute; 100,000
 * keeps distinct and quantile in their sketch phase), so the cost of creating states is included, amortized.
 * Values: user ids like the benchmark's (Zipf-like over 100,000) for distinct, amounts (two decimals up to 500) for
 * sum and quantile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AggregatorUpdateBenchmark {
    private static final RecordPosition AT = RecordPosition.of("1");
    private static final int VALUES = 1 << 16;

    @Param({"60", "100000"})
    public int valuesPerState;

    private final String[] users = new String[VALUES];
    private final double[] amounts = new double[VALUES];
    private Aggregator count;
    private Aggregator sum;
    private Aggregator distinct;
    private Aggregator quantile;
    private AggregateState countState;
    private AggregateState sumState;
    private AggregateState distinctState;
    private AggregateState quantileState;
    private int added;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(1);
        for (int i = 0; i < VALUES; i++) {
            users[i] = String.format("user-%06d", (int) Math.min(99_999, Math.pow(random.nextDouble(), 3) * 100_000));
            amounts[i] = random.nextInt(50_000) / 100.0;
        }
        AggregatorRegistry registry = AggregatorRegistry.builtins();
        count = registry.factory("count").orElseThrow().create(AggregatorParams.of(false, Map.of()));
        sum = registry.factory("sum").orElseThrow().create(AggregatorParams.of(true, Map.of()));
        distinct = registry.factory("distinct").orElseThrow().create(AggregatorParams.of(true, Map.of()));
        quantile = registry.factory("quantile").orElseThrow().create(AggregatorParams.of(true, Map.of("q", 0.99)));
        countState = count.newState();
        sumState = sum.newState();
        distinctState = distinct.newState();
        quantileState = quantile.newState();
    }

    /** Advances to the next value; a new (window, key) every {@code valuesPerState} values. */
    private boolean nextValue() {
        next = (next + 1) & (VALUES - 1);
        if (++added == valuesPerState) {
            added = 0;
            return true;
        }
        return false;
    }

    @Benchmark
    public AggregateState count() {
        if (nextValue()) {
            countState = count.newState();
        }
        countState.addEvent(0, AT);
        return countState;
    }

    @Benchmark
    public AggregateState sum() {
        if (nextValue()) {
            sumState = sum.newState();
        }
        sumState.addDouble(amounts[next], 0, AT);
        return sumState;
    }

    @Benchmark
    public AggregateState distinct() {
        if (nextValue()) {
            distinctState = distinct.newState();
        }
        distinctState.addString(users[next], 0, AT);
        return distinctState;
    }

    @Benchmark
    public AggregateState quantile() {
        if (nextValue()) {
            quantileState = quantile.newState();
        }
        quantileState.addDouble(amounts[next], 0, AT);
        return quantileState;
    }
}
