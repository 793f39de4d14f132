package io.rtpipe.core.aggregate;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import io.rtpipe.core.record.RecordPosition;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The q-quantile of a numeric field with a DDSketch (logarithmic mapping). Guarantee: for the value x at rank
 * ⌊q·(n−1)⌋ of the sorted inputs, the result r satisfies |r − x| ≤ α·|x| (α = relative accuracy, default 1%).
 * Merging adds bucket counts, so any split into partials merged in any order gives the same sketch.
 * At most {@link #MAX_BINS} bins per sign, spanning a ratio of ((1+α)/(1−α))^2048 ≈ 10^17 between the smallest and
 * the largest magnitude at α = 1%; beyond that the lowest bins collapse, which only affects low quantiles.
 * NaN inputs are ignored.
 * Partial: the sketch's own binary encoding (with its index mapping); result: Double, or null when nothing was added.
 */
final class QuantileAggregator implements Aggregator {
    static final double DEFAULT_RELATIVE_ACCURACY = 0.01;
    static final int MAX_BINS = 2048;

    private final double q;
    /** Immutable, so shared by every state: building one per window and key costs more than the adds. */
    private final IndexMapping mapping;

    QuantileAggregator(double q, double relativeAccuracy) {
        this.q = q;
        this.mapping = new LogarithmicMapping(relativeAccuracy);
    }

    @Override
    public String fn() {
        return "quantile";
    }

    @Override
    public ValueInput input() {
        return ValueInput.NUMBER;
    }

    @Override
    public AggregateState newState() {
        return new State(new DDSketch(mapping, () -> new CollapsingLowestDenseStore(MAX_BINS)));
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        if (partial == null) {
            return newState();
        }
        try {
            return new State(DDSketch.decode(ByteArrayInput.wrap(Partials.asBytes(fn(), partial)),
                    () -> new CollapsingLowestDenseStore(MAX_BINS)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a partial of quantile: " + e.getMessage(), e);
        }
    }

    private final class State implements AggregateState {
        private final DDSketch sketch;

        State(DDSketch sketch) {
            this.sketch = sketch;
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            sketch.accept(value);
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            if (!Double.isNaN(value)) {
                sketch.accept(value);
            }
        }

        @Override
        public void merge(AggregateState other) {
            sketch.mergeWith(Partials.sameKind(State.class, other).sketch);
        }

        @Override
        public Object partial() {
            // encode (not serialize, which writes the protobuf layout) is what DDSketch.decode reads.
            GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
            try {
                sketch.encode(out, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: writing to memory
            }
            return out.trimmedCopy();
        }

        @Override
        public Object result() {
            return sketch.isEmpty() ? null : sketch.getValueAtQuantile(q);
        }
    }
}
