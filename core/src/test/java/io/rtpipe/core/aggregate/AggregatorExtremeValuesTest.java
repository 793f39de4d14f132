package io.rtpipe.core.aggregate;

import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Property: no built-in aggregator throws on any value the engine can hand it (infinities, NaN, ±1e308, -0.0, the
 * long extremes, empty and 1 MB strings), in any order and amount (across the exact/sketch thresholds), nor when its
 * partials are stored, read back (as DynamoDB returns numbers too), merged in either order and turned into results.
 * The engine dead-letters non-finite numbers before they reach an aggregate, so this guards the state a replay or an
 * older partial can still carry. Results are also checked to be the same whichever way partials are merged.
 */
class AggregatorExtremeValuesTest {
    private static final AggregatorRegistry REGISTRY = AggregatorRegistry.builtins();

    /** Every built-in function, with its parameters at their extremes too. */
    private static final List<Map<String, Object>> CONFIGS = List.of(
            Map.of("fn", "count"), Map.of("fn", "count", "field", true), Map.of("fn", "sum"), Map.of("fn", "min"),
            Map.of("fn", "max"), Map.of("fn", "avg"), Map.of("fn", "first"), Map.of("fn", "last"),
            Map.of("fn", "distinct", "lg_k", 4L), Map.of("fn", "distinct"), Map.of("fn", "distinct", "lg_k", 19L),
            Map.of("fn", "quantile", "q", 0.5), Map.of("fn", "quantile", "q", 0.999, "relative_accuracy", 0.0001),
            Map.of("fn", "quantile", "q", 0.01, "relative_accuracy", 0.5),
            Map.of("fn", "topk", "k", 1L), Map.of("fn", "topk", "k", 10L));

    private static final double[] DOUBLES = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
            Double.MAX_VALUE, -Double.MAX_VALUE, 1e308, -1e308, -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-308,
            0x1p63, -0x1p63, 0x1p53 + 1, 1.5};
    private static final long[] LONGS = {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, 0,
            -1, 1, 1L << 53};
    private static final String[] STRINGS = {"", "x".repeat(1 << 20), "\u0000", "é\uD83D\uDE00", "Infinity", "NaN",
            "-0.0"};

    private static Aggregator aggregator(Map<String, Object> config) {
        Map<String, Object> params = new java.util.HashMap<>(config);
        String fn = (String) params.remove("fn");
        boolean hasField = !fn.equals("count") || params.remove("field") != null;
        return REGISTRY.factory(fn).orElseThrow().create(AggregatorParams.of(hasField, params));
    }

    private static void addRandom(Aggregator aggregator, AggregateState state, Random random, int i) {
        long time = random.nextBoolean() ? MetricSpec.MIN_EVENT_TIME : MetricSpec.MAX_EVENT_TIME - random.nextInt(3);
        RecordPosition position = new RecordPosition(Long.toString(1000 + random.nextInt(5)), random.nextInt(3));
        if (aggregator.input() == ValueInput.NONE) {
            state.addEvent(time, position);
            return;
        }
        int pick = random.nextInt(aggregator.input() == ValueInput.ANY ? 4 : 3);
        switch (pick) {
            case 0 -> state.addDouble(DOUBLES[random.nextInt(DOUBLES.length)], time, position);
            case 1 -> state.addLong(LONGS[random.nextInt(LONGS.length)], time, position);
            // beyond the exact phases: many distinct ordinary values
            case 2 -> state.addDouble(random.nextBoolean() ? i : random.nextGaussian() * 1e300, time, position);
            default -> state.addString(STRINGS[random.nextInt(STRINGS.length)], time, position);
        }
    }

    /** What a store may give back: DynamoDB returns finite numbers as BigDecimal, non-finite ones as Double. */
    private static Object stored(Object partial, Random random) {
        if (partial instanceof Long l && random.nextBoolean()) {
            return new BigDecimal(l);
        }
        if (partial instanceof Double d && Double.isFinite(d) && random.nextBoolean()) {
            return new BigDecimal(Double.toString(d));
        }
        return partial;
    }

    /**
     * Equal results; numbers by value, since a store's BigDecimal does not keep Long versus Double (a -0.0 comes
     * back as 0).
     */
    private static void assertSame(Object actual, Object expected) {
        if (actual instanceof Number a && expected instanceof Number e) {
            double x = a.doubleValue();
            double y = e.doubleValue();
            assertThat(x == y || Double.isNaN(x) && Double.isNaN(y)).as("%s equals %s", actual, expected).isTrue();
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }

    @RepeatedTest(40)
    void noAggregatorThrowsOnExtremeValuesAndMergeOrderDoesNotChangeTheResult(RepetitionInfo info) {
        Random random = new Random(info.getCurrentRepetition());
        for (Map<String, Object> config : CONFIGS) {
            Aggregator aggregator = aggregator(config);
            int size = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(400);
            assertThatCode(() -> {
                AggregateState left = aggregator.newState();
                AggregateState right = aggregator.newState();
                for (int i = 0; i < size; i++) {
                    addRandom(aggregator, random.nextBoolean() ? left : right, random, i);
                }
                Object leftPartial = stored(left.partial(), random);
                Object rightPartial = stored(right.partial(), random);
                Object leftThenRight = aggregator.mergePartials(leftPartial, rightPartial);
                Object rightThenLeft = aggregator.mergePartials(rightPartial, leftPartial);
                Object result = aggregator.result(leftThenRight);
                assertSame(aggregator.result(rightThenLeft), result);
                // A partial read back and written again gives the same result.
                assertSame(aggregator.result(stored(aggregator.fromPartial(leftThenRight).partial(), random)), result);
                AggregateState inMemory = aggregator.newState();
                inMemory.merge(left);
                inMemory.merge(right);
                assertSame(inMemory.result(), result);
                aggregator.result(null);
                aggregator.mergePartials(null, leftPartial);
            }).as("%s with %d values (repetition %d)", config, size, info.getCurrentRepetition())
                    .doesNotThrowAnyException();
        }
    }
}
