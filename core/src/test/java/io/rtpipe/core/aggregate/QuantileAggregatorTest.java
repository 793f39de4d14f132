package io.rtpipe.core.aggregate;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

/** The exact phase of quantile: exact ranks, promotion to the DDSketch on add and on merge, the stored forms. */
class QuantileAggregatorTest {
    private static final RecordPosition AT = RecordPosition.of("1");
    private static final double ALPHA = 0.01;
    private static final int LIMIT = QuantileAggregator.EXACT_LIMIT;

    private final QuantileAggregator p90 = new QuantileAggregator(0.9, ALPHA);

    private AggregateState stateOf(double... values) {
        AggregateState state = p90.newState();
        for (double value : values) {
            state.addDouble(value, 0, AT);
        }
        return state;
    }

    private static double valueAtRank(double q, double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    private static double[] randomValues(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(10) == 0 ? -random.nextInt(1_000) / 4.0 : Math.exp(random.nextGaussian() * 2);
        }
        return values;
    }

    /** The plain sketch every state was before the exact phase (and what a state becomes beyond it). */
    private static DDSketch plainSketch(double... values) {
        DDSketch sketch = new DDSketch(new LogarithmicMapping(ALPHA), () -> new CollapsingLowestDenseStore(2048));
        for (double value : values) {
            sketch.accept(value);
        }
        return sketch;
    }

    @Test
    void isTheValueAtTheRankWhileExactAndRoundTrips() {
        double[] values = randomValues(new Random(2), LIMIT);
        AggregateState state = stateOf(values);
        state.addDouble(Double.NaN, 0, AT); // ignored
        assertThat(state.result()).isEqualTo(valueAtRank(0.9, values));
        byte[] partial = (byte[]) state.partial();
        assertThat(partial[0]).isEqualTo(QuantileAggregator.EXACT_FORMAT);
        assertThat(p90.fromPartial(partial).partial()).isEqualTo(partial);
        double[] reversed = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            reversed[i] = values[values.length - 1 - i];
        }
        assertThat(stateOf(reversed).partial()).isEqualTo(partial); // sorted: canonical
        assertThat(p90.newState().result()).isNull();
        assertThat(p90.result(p90.newState().partial())).isNull();
    }

    @Test
    void beyondTheLimitItIsTheSketchOfEveryValue() {
        double[] values = randomValues(new Random(3), LIMIT + 1);
        AggregateState state = stateOf(values);
        byte[] partial = (byte[]) state.partial();
        assertThat(partial[0]).isNotEqualTo(QuantileAggregator.EXACT_FORMAT);
        assertThat(state.result()).isEqualTo(plainSketch(values).getValueAtQuantile(0.9));
        double exact = valueAtRank(0.9, values);
        assertThat((Double) p90.result(partial)).isCloseTo(exact, within(ALPHA * Math.abs(exact)));
    }

    /** Partials written before the exact phase existed were the sketch's encoding: they still merge. */
    @Test
    void plainSketchPartialsMergeWithExactOnes() throws IOException {
        double[] old = randomValues(new Random(4), 40);
        double[] fresh = randomValues(new Random(5), 30);
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        plainSketch(old).encode(out, false);
        Object merged = p90.mergePartials(out.trimmedCopy(), stateOf(fresh).partial());
        double[] all = Arrays.copyOf(old, 70);
        System.arraycopy(fresh, 0, all, 40, 30);
        assertThat(p90.result(merged)).isEqualTo(plainSketch(all).getValueAtQuantile(0.9));
    }

    /**
     * Property over the boundary: shard partials of mixed forms merged in random orders give one result, which is the
     * exact rank value when all values fit the exact phase, else the plain sketch's answer over all values (so within
     * α of the rank value).
     */
    @RepeatedTest(40)
    void mixedMergesDependOnlyOnTheValues(RepetitionInfo info) {
        Random random = new Random(600 + info.getCurrentRepetition());
        double[] values = randomValues(random, 1 + random.nextInt(info.getCurrentRepetition() % 2 == 0 ? LIMIT : 600));
        int shards = 1 + random.nextInt(8);
        List<AggregateState> states = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            states.add(p90.newState());
        }
        for (double value : values) {
            states.get((int) Math.floor(Math.pow(random.nextDouble(), 3) * shards)).addDouble(value, 0, AT);
        }
        List<Object> partials = new ArrayList<>(states.stream().map(AggregateState::partial).toList());
        double expected = values.length <= LIMIT ? valueAtRank(0.9, values)
                : plainSketch(values).getValueAtQuantile(0.9);
        for (int order = 0; order < 3; order++) {
            Collections.shuffle(partials, random);
            Object merged = partials.get(0);
            for (int i = 1; i < partials.size(); i++) {
                merged = random.nextBoolean() ? p90.mergePartials(merged, partials.get(i))
                        : p90.mergePartials(partials.get(i), merged);
            }
            assertThat(p90.result(merged)).as("order %d of %d values", order, values.length).isEqualTo(expected);
        }
        AggregateState inMemory = p90.newState();
        states.forEach(inMemory::merge);
        assertThat(inMemory.result()).isEqualTo(expected);
        double exact = valueAtRank(0.9, values);
        assertThat(expected).isCloseTo(exact, within(ALPHA * Math.abs(exact)));
    }

    @Test
    void damagedExactFormsAreRejectedWithAReason() {
        byte[] exact = (byte[]) stateOf(1, 2, 3).partial();
        assertThat(catchThrowable(() -> p90.fromPartial(Arrays.copyOf(exact, exact.length + 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a partial of quantile: exact form of 31 bytes is truncated or too long");
        byte[] future = exact.clone();
        future[1] = 2;
        assertThat(catchThrowable(() -> p90.fromPartial(future)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a partial of quantile: exact form version 2 is unknown (this build reads version 1)");
    }
}
