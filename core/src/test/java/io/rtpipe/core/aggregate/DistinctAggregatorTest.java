package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

/** The exact phase of distinct: counts, promotion to the HLL sketch on add and on merge, the stored forms. */
class DistinctAggregatorTest {
    private static final RecordPosition AT = RecordPosition.of("1");
    /** The limit at the default lgK 12 (documented in docs/metrics.md). */
    private static final int LIMIT = 128;
    private static final double RSE = 1.04 / Math.sqrt(1 << DistinctAggregator.DEFAULT_LG_K);

    private final DistinctAggregator distinct = new DistinctAggregator(DistinctAggregator.DEFAULT_LG_K);

    private AggregateState stateOf(long... items) {
        AggregateState state = distinct.newState();
        for (long item : items) {
            state.addLong(item, 0, AT);
        }
        return state;
    }

    /**
     * What a plain HLL sketch (as every state was before the exact phase) estimates for these items, with the
     * composite estimator the aggregator uses (a function of the registers, so independent of merge order).
     */
    private static long plainSketchEstimate(long... items) {
        HllSketch sketch = new HllSketch(DistinctAggregator.DEFAULT_LG_K, TgtHllType.HLL_4);
        for (long item : items) {
            sketch.update(item);
        }
        return Math.round(sketch.getCompositeEstimate());
    }

    private static long[] range(long from, long to) {
        return java.util.stream.LongStream.range(from, to).toArray();
    }

    @Test
    void countsExactlyUpToTheLimitWhateverTheValueTypes() {
        AggregateState state = distinct.newState();
        Set<String> truth = new HashSet<>();
        Random random = new Random(1);
        while (truth.size() < LIMIT - 2) {
            int v = 1 + random.nextInt(200); // not 0: the number 0 and 0.0 are one item, tested below
            switch (v % 3) {
                case 0 -> state.addLong(v, 0, AT);
                case 1 -> state.addDouble(v + 0.5, 0, AT);
                default -> state.addString("user-" + v, 0, AT);
            }
            truth.add(v % 3 + ":" + v);
        }
        state.addDouble(0.0, 0, AT);
        state.addDouble(-0.0, 0, AT); // the same value as 0.0
        state.addString("", 0, AT);
        assertThat(state.result()).isEqualTo((long) LIMIT);
        state.addLong(0, 0, AT); // the same item as 0.0, as in the HLL sketch's own update(double)
        assertThat(state.result()).isEqualTo((long) LIMIT);
        assertThat(((byte[]) state.partial())[0]).isEqualTo(DistinctAggregator.EXACT_FORMAT);

        AggregateState small = stateOf(3, 1, 2, 3, 1, 0, -5);
        assertThat(small.result()).isEqualTo(5L);
        byte[] partial = (byte[]) small.partial();
        assertThat(partial[0]).isEqualTo(DistinctAggregator.EXACT_FORMAT);
        assertThat(distinct.fromPartial(partial).partial()).isEqualTo(partial);
        assertThat(distinct.result(partial)).isEqualTo(5L);
        // Canonical: insertion order does not change the bytes.
        assertThat(stateOf(-5, 0, 1, 2, 3).partial()).isEqualTo(partial);
    }

    @Test
    void theItemBeyondTheLimitPromotesToTheSketchAsIfItHadHeldEveryItem() {
        long[] items = range(1_000, 1_000 + LIMIT);
        AggregateState state = stateOf(items);
        assertThat(((byte[]) state.partial())[0]).isEqualTo(DistinctAggregator.EXACT_FORMAT);
        assertThat(state.result()).isEqualTo((long) LIMIT);

        long[] more = range(1_000, 1_000 + 5_000);
        AggregateState promoted = stateOf(more);
        byte[] partial = (byte[]) promoted.partial();
        assertThat(partial[0]).isNotEqualTo(DistinctAggregator.EXACT_FORMAT);
        assertThat(promoted.result()).isEqualTo(plainSketchEstimate(more));
        assertThat((double) (Long) distinct.result(partial)).isCloseTo(5_000, within(3 * RSE * 5_000));
    }

    @Test
    void exactPartialsMergeExactlyWhileTheUnionFitsAndPromoteBeyond() {
        Object left = stateOf(range(0, 100)).partial();
        Object right = stateOf(range(60, 120)).partial();
        Object merged = distinct.mergePartials(left, right);
        assertThat(((byte[]) merged)[0]).isEqualTo(DistinctAggregator.EXACT_FORMAT);
        assertThat(distinct.result(merged)).isEqualTo(120L);

        Object far = stateOf(range(100, 200)).partial();
        Object promoted = distinct.mergePartials(left, far); // 200 distinct > 128
        assertThat(((byte[]) promoted)[0]).isNotEqualTo(DistinctAggregator.EXACT_FORMAT);
        assertThat(distinct.result(promoted)).isEqualTo(plainSketchEstimate(range(0, 200)));
        assertThat((double) (Long) distinct.result(promoted)).isCloseTo(200, within(3 * RSE * 200 + 1));
    }

    /** Partials written before the exact phase existed were the plain sketch's compact bytes: they still merge. */
    @Test
    void plainSketchPartialsMergeWithExactOnes() {
        HllSketch old = new HllSketch(DistinctAggregator.DEFAULT_LG_K, TgtHllType.HLL_4);
        for (long item : range(0, 3_000)) {
            old.update(item);
        }
        Object merged = distinct.mergePartials(old.toCompactByteArray(), stateOf(range(2_990, 3_050)).partial());
        assertThat((double) (Long) distinct.result(merged)).isCloseTo(3_050, within(3 * RSE * 3_050));
        Object smallOld = sketchBytes(range(0, 10));
        assertThat(distinct.result(distinct.mergePartials(smallOld, stateOf(range(5, 20)).partial())))
                .isEqualTo(20L);
    }

    private static byte[] sketchBytes(long[] items) {
        HllSketch sketch = new HllSketch(DistinctAggregator.DEFAULT_LG_K, TgtHllType.HLL_4);
        for (long item : items) {
            sketch.update(item);
        }
        return sketch.toCompactByteArray();
    }

    /**
     * Property over the boundary: shard partials of mixed forms (exact and sketch), merged in random orders, give one
     * result: exact when the union fits the exact phase, else within three standard errors of the truth.
     */
    @RepeatedTest(40)
    void mixedMergesAgreeWhateverTheSplitAndOrder(RepetitionInfo info) {
        Random random = new Random(500 + info.getCurrentRepetition());
        int universe = 1 + random.nextInt(info.getCurrentRepetition() % 2 == 0 ? 150 : 3_000);
        int shards = 1 + random.nextInt(8);
        List<AggregateState> states = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            states.add(distinct.newState());
        }
        Set<Long> truth = new HashSet<>();
        // Skewed shard sizes so that some shards stay exact while others promote.
        for (int i = 0; i < universe * 2; i++) {
            long item = random.nextInt(universe);
            truth.add(item);
            states.get((int) Math.floor(Math.pow(random.nextDouble(), 3) * shards)).addLong(item, 0, AT);
        }
        List<Object> partials = new ArrayList<>(states.stream().map(AggregateState::partial).toList());
        Object expected = null;
        for (int order = 0; order < 3; order++) {
            Collections.shuffle(partials, random);
            Object merged = partials.get(0);
            for (int i = 1; i < partials.size(); i++) {
                merged = random.nextBoolean() ? distinct.mergePartials(merged, partials.get(i))
                        : distinct.mergePartials(partials.get(i), merged);
            }
            Object result = distinct.result(merged);
            expected = expected == null ? result : expected;
            assertThat(result).as("order %d", order).isEqualTo(expected);
        }
        AggregateState inMemory = distinct.newState();
        states.forEach(inMemory::merge);
        assertThat(inMemory.result()).isEqualTo(expected);
        if (truth.size() <= LIMIT) {
            assertThat(expected).isEqualTo((long) truth.size());
        } else {
            assertThat((double) (Long) expected).isCloseTo(truth.size(), within(3 * RSE * truth.size() + 1));
        }
    }

    @Test
    void damagedOrForeignPartialsAreRejectedWithAReason() {
        byte[] exact = (byte[]) stateOf(1, 2, 3).partial();
        assertThat(catchThrowable(() -> distinct.fromPartial(Arrays.copyOf(exact, exact.length - 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a partial of distinct: exact form of 29 bytes is truncated");
        byte[] future = exact.clone();
        future[1] = 9;
        assertThat(catchThrowable(() -> distinct.fromPartial(future)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a partial of distinct: exact form version 9 is unknown (this build reads version 1)");
        AggregateState quantile = new QuantileAggregator(0.5, 0.01).newState();
        quantile.addDouble(1.5, 0, AT);
        assertThat(catchThrowable(() -> distinct.fromPartial(quantile.partial())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a partial of distinct");
        assertThat(catchThrowable(() -> new QuantileAggregator(0.5, 0.01).fromPartial(exact)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a partial of quantile");
    }

    /** The spec loader's bound on lg_k: the largest sketch it allows fits a DynamoDB item (400 KB) with room. */
    @Test
    void theLargestSketchTheLoaderAllowsFitsAResultsItem() {
        DistinctAggregator largest = new DistinctAggregator(DistinctAggregator.MAX_LG_K);
        AggregateState state = largest.newState();
        for (long i = 0; i < 8L << DistinctAggregator.MAX_LG_K; i++) {
            state.addLong(i, 0, AT);
        }
        assertThat(((byte[]) state.partial()).length).isLessThan(300_000);
        DistinctAggregator over = new DistinctAggregator(DistinctAggregator.MAX_LG_K + 1);
        AggregateState big = over.newState();
        for (long i = 0; i < 8L << (DistinctAggregator.MAX_LG_K + 1); i++) {
            big.addLong(i, 0, AT);
        }
        assertThat(((byte[]) big.partial()).length).isGreaterThan(400_000);
    }
}
