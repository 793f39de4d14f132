package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Approximate number of distinct values: an Apache DataSketches HLL sketch (HLL_4) with 2^lgK buckets.
 * Relative standard error about 1.04/√(2^lgK): 1.63% at the default lgK 12, so 99.7% of estimates are within 4.9%.
 * Below a few hundred distinct values the sketch is in its sparse mode and practically exact.
 * Strings are hashed to 64 bits here (no copy of the string per add), integers and doubles are given to the sketch as
 * such: the string "5" and the number 5 count as different values. Partial: the compact sketch bytes; result: Long.
 */
final class DistinctAggregator implements Aggregator {
    static final int DEFAULT_LG_K = 12;
    static final int MIN_LG_K = 4;
    static final int MAX_LG_K = 21;

    private final int lgK;

    DistinctAggregator(int lgK) {
        this.lgK = lgK;
    }

    @Override
    public String fn() {
        return "distinct";
    }

    @Override
    public ValueInput input() {
        return ValueInput.ANY;
    }

    @Override
    public AggregateState newState() {
        return new State(new HllSketch(lgK, TgtHllType.HLL_4));
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        if (partial == null) {
            return newState();
        }
        try {
            return new State(HllSketch.heapify(Partials.asBytes(fn(), partial)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a partial of distinct: " + e.getMessage(), e);
        }
    }

    /** FNV-1a over the UTF-16 chars, then a 64-bit finalizer so nearby strings spread over all bits. */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < value.length(); i++) {
            h = (h ^ value.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private final class State implements AggregateState {
        private HllSketch sketch;

        State(HllSketch sketch) {
            this.sketch = sketch;
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            sketch.update(value);
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            sketch.update(value);
        }

        @Override
        public void addString(String value, long eventTime, RecordPosition position) {
            // A string and an integer collide only if the 64-bit hash equals the integer: negligible next to HLL's error.
            sketch.update(hash(value));
        }

        @Override
        public void merge(AggregateState other) {
            Union union = new Union(lgK);
            union.update(sketch);
            union.update(Partials.sameKind(State.class, other).sketch);
            sketch = union.getResult(TgtHllType.HLL_4);
        }

        @Override
        public Object partial() {
            return sketch.toCompactByteArray();
        }

        @Override
        public Object result() {
            return Math.round(sketch.getEstimate());
        }
    }
}
