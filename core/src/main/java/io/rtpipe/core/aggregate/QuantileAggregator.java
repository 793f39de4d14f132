package io.rtpipe.core.aggregate;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import io.rtpipe.core.record.RecordPosition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The q-quantile of a numeric field: exact while a state holds few values, then a DDSketch (logarithmic mapping).
 * Guarantee: for the value x at rank ⌊q·(n−1)⌋ of the sorted inputs, the result r satisfies |r − x| ≤ α·|x|
 * (α = relative accuracy, default 1%); while exact, r = x.
 * <p>
 * Up to {@link #EXACT_LIMIT} values a state keeps the values themselves (most (window, key) pairs see few: an
 * append is cheaper than a sketch update, and a short array is smaller than the sketch's dense bins); beyond that they
 * are fed to the sketch, which takes every further value. Two exact states merge into one if the values fit, else
 * both become sketches, which merge by adding bucket counts: so the merged result depends only on the multiset of
 * values (exact iff there are at most {@link #EXACT_LIMIT}, else the sketch of all of them), not on the split into
 * partials or the merge order.
 * <p>
 * Sketch: at most {@link #MAX_BINS} bins per sign, spanning a ratio of ((1+α)/(1−α))^2048 ≈ 10^17 between the
 * smallest and the largest magnitude at α = 1%; beyond that the lowest bins collapse, which only affects low
 * quantiles. NaN inputs are ignored; magnitudes beyond the mapping's largest indexable value (for
 * example Double.MAX_VALUE or Infinity) count as that value.
 * <p>
 * Partial (byte[]): the exact form, versioned, {@code [EXACT_FORMAT, EXACT_VERSION, int n, n doubles ascending]}, or
 * the sketch's own binary encoding (with its index mapping), as partials written before the exact phase existed are.
 * A DDSketch encoding starts with a flag byte that is never {@code EXACT_FORMAT}. Result: Double, or null when nothing
 * was added.
 */
final class QuantileAggregator implements Aggregator {
    static final double DEFAULT_RELATIVE_ACCURACY = 0.01;
    static final int MAX_BINS = 2048;
    static final int EXACT_LIMIT = 128;
    static final byte EXACT_FORMAT = (byte) 0xE6;
    static final byte EXACT_VERSION = 1;
    private static final int EXACT_INITIAL_CAPACITY = 8;

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

    /**
     * Exact phase: about 104 bytes fresh, growing to {@link #EXACT_LIMIT} doubles (at most 16 bytes per value just
     * after the array doubled); sketch phase: two dense stores (positive and negative values) of at most
     * {@link #MAX_BINS} double counts each, whatever the relative accuracy, and headers.
     */
    @Override
    public StateSize stateSize(int valueBytes) {
        long empty = 104;
        long sketch = 2L * MAX_BINS * Double.BYTES + 256;
        return new StateSize(empty, Math.max(16, -Math.floorDiv(-(sketch - empty), EXACT_LIMIT + 1L)), sketch);
    }

    @Override
    public AggregateState newState() {
        return new State();
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        if (partial == null) {
            return newState();
        }
        byte[] bytes = Partials.asBytes(fn(), partial);
        if (bytes.length > 0 && bytes[0] == EXACT_FORMAT) {
            return fromExactForm(bytes);
        }
        try {
            return new State(DDSketch.decode(ByteArrayInput.wrap(bytes), QuantileAggregator::newStore));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a partial of quantile: " + e.getMessage(), e);
        }
    }

    private State fromExactForm(byte[] bytes) {
        ByteBuffer buffer = Partials.exactFormValues(fn(), bytes, EXACT_VERSION);
        State state = new State();
        while (buffer.hasRemaining()) {
            state.add(buffer.getDouble());
        }
        return state;
    }

    private static Store newStore() {
        return new CollapsingLowestDenseStore(MAX_BINS);
    }

    /** Exactly one of {@code values} (the exact phase, first {@code count} entries) and {@code sketch} is non-null. */
    private final class State implements AggregateState {
        private double[] values;
        private int count;
        private DDSketch sketch;

        State() {
            values = new double[EXACT_INITIAL_CAPACITY];
        }

        State(DDSketch sketch) {
            this.sketch = sketch;
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            add(value);
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            if (!Double.isNaN(value)) {
                add(value);
            }
        }

        private void add(double input) {
            // The sketch throws on magnitudes beyond its mapping's range (Double.MAX_VALUE, Infinity): clamp them, so
            // no input can stop a shard; the engine dead-letters non-finite inputs before they get here.
            double value = Math.max(-mapping.maxIndexableValue(), Math.min(mapping.maxIndexableValue(), input));
            if (values == null) {
                sketch.accept(value);
                return;
            }
            if (count == EXACT_LIMIT) {
                toSketch();
                sketch.accept(value);
                return;
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, Math.min(EXACT_LIMIT, 2 * count));
            }
            values[count++] = value;
        }

        private void toSketch() {
            sketch = new DDSketch(mapping, QuantileAggregator::newStore);
            for (int i = 0; i < count; i++) {
                sketch.accept(values[i]);
            }
            values = null;
            count = 0;
        }

        @Override
        public void merge(AggregateState other) {
            State that = Partials.sameKind(State.class, other);
            if (values != null && that.values != null && count + that.count <= EXACT_LIMIT) {
                for (int i = 0; i < that.count; i++) {
                    add(that.values[i]);
                }
                return;
            }
            if (values != null) {
                toSketch();
            }
            if (that.values != null) {
                for (int i = 0; i < that.count; i++) {
                    sketch.accept(that.values[i]);
                }
            } else {
                sketch.mergeWith(that.sketch);
            }
        }

        @Override
        public Object partial() {
            if (values != null) {
                double[] sorted = sortedValues();
                ByteBuffer out = Partials.newExactForm(EXACT_FORMAT, EXACT_VERSION, count);
                for (double value : sorted) {
                    out.putDouble(value);
                }
                return out.array();
            }
            // encode (not serialize, which writes the protobuf layout) is what DDSketch.decode reads.
            GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
            try {
                sketch.encode(out, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // cannot happen: writing to memory
            }
            return out.trimmedCopy();
        }

        private double[] sortedValues() {
            double[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            return sorted;
        }

        @Override
        public Object result() {
            if (values != null) {
                return count == 0 ? null : sortedValues()[(int) Math.floor(q * (count - 1))];
            }
            return sketch.isEmpty() ? null : sketch.getValueAtQuantile(q);
        }
    }
}
