package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The k most frequent values with their counts: an Apache DataSketches frequent-items sketch whose map holds
 * 0.75·2^lgMaxMapSize values, where 2^lgMaxMapSize is at least 1024 and at least 4k/3. While a window and key have no
 * more distinct values than that, counts are exact (in particular whenever k covers all values); beyond, each count is
 * within 3.5/2^lgMaxMapSize of the number of values added (0.34% at the default size). Numbers are counted as their
 * decimal strings. Partial: the sketch bytes; result: up to k {@link TopKRow}s, highest count first, ties by value.
 */
final class TopKAggregator implements Aggregator {
    static final int MAX_K = 100_000;
    private static final int MIN_LG_MAP_SIZE = 10;
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    private final int k;
    private final int maxMapSize;

    TopKAggregator(int k) {
        this.k = k;
        int lg = MIN_LG_MAP_SIZE;
        while (0.75 * (1 << lg) < k) {
            lg++;
        }
        this.maxMapSize = 1 << lg;
    }

    @Override
    public String fn() {
        return "topk";
    }

    @Override
    public ValueInput input() {
        return ValueInput.ANY;
    }

    /**
     * About 256 bytes fresh (the sketch and its 8-entry map); per distinct value kept, the string (its bytes and 40 of
     * headers) and at most 40 bytes of map arrays (14 bytes an entry, doubled at 3/4 load); at most 3/4 of
     * maxMapSize values are kept, each entry of a full map allocated.
     */
    @Override
    public StateSize stateSize(int valueBytes) {
        long empty = 256;
        long perValue = 80L + valueBytes;
        return new StateSize(empty, perValue, empty + 14L * maxMapSize + 3L * maxMapSize / 4 * (40L + valueBytes));
    }

    @Override
    public Set<String> sizeParameters() {
        return Set.of("k");
    }

    @Override
    public AggregateState newState() {
        return new State(new ItemsSketch<>(maxMapSize));
    }

    @Override
    public AggregateState fromPartial(Object partial) {
        if (partial == null) {
            return newState();
        }
        try {
            return new State(ItemsSketch.getInstance(Memory.wrap(Partials.asBytes(fn(), partial)), SERDE));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a partial of topk: " + e.getMessage(), e);
        }
    }

    private final class State implements AggregateState {
        private final ItemsSketch<String> sketch;

        State(ItemsSketch<String> sketch) {
            this.sketch = sketch;
        }

        @Override
        public void addLong(long value, long eventTime, RecordPosition position) {
            sketch.update(Long.toString(value));
        }

        @Override
        public void addDouble(double value, long eventTime, RecordPosition position) {
            sketch.update(Double.toString(value));
        }

        @Override
        public void addString(String value, long eventTime, RecordPosition position) {
            sketch.update(value);
        }

        @Override
        public void merge(AggregateState other) {
            sketch.merge(Partials.sameKind(State.class, other).sketch);
        }

        @Override
        public Object partial() {
            return sketch.toByteArray(SERDE);
        }

        @Override
        public Object result() {
            List<TopKRow> rows = Arrays.stream(sketch.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES))
                    .map(row -> new TopKRow(row.getItem(), row.getEstimate()))
                    .sorted(Comparator.comparingLong(TopKRow::count).reversed().thenComparing(TopKRow::value))
                    .limit(k)
                    .toList();
            return rows;
        }
    }
}
