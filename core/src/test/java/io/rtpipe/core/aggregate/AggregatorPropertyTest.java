package io.rtpipe.core.aggregate;

import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Property: random events, split at random into shard partials (serialized and read back as a store would), merged
 * in random order, give what a plain computation over all events gives (exact, or within the documented bound).
 */
class AggregatorPropertyTest {
    private static final AggregatorRegistry REGISTRY = AggregatorRegistry.builtins();

    /** One event's value for the aggregated field, with its time and position. */
    private record Event(Object value, long time, RecordPosition position) {
    }

    private static Aggregator aggregator(String fn, Map<String, ?> params) {
        return REGISTRY.factory(fn).orElseThrow().create(AggregatorParams.of(true, params));
    }

    private static void add(AggregateState state, Event e) {
        if (e.value() instanceof Long l) {
            state.addLong(l, e.time(), e.position());
        } else if (e.value() instanceof Double d) {
            state.addDouble(d, e.time(), e.position());
        } else {
            state.addString((String) e.value(), e.time(), e.position());
        }
    }

    /** Splits events into 1..8 partials, round-trips each through its stored form, merges them in random order. */
    private static Object mergedResult(Aggregator aggregator, List<Event> events, Random random) {
        int shards = 1 + random.nextInt(8);
        List<AggregateState> states = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            states.add(aggregator.newState());
        }
        for (Event e : events) {
            add(states.get(random.nextInt(shards)), e);
        }
        List<Object> partials = new ArrayList<>();
        for (AggregateState state : states) {
            partials.add(storedForm(state.partial()));
        }
        Collections.shuffle(partials, random);
        Object merged = partials.get(0);
        for (int i = 1; i < partials.size(); i++) {
            merged = random.nextBoolean() ? aggregator.mergePartials(merged, partials.get(i))
                    : aggregator.mergePartials(partials.get(i), merged);
        }
        // Also merge states in memory (session windows do this) and check it agrees.
        AggregateState inMemory = aggregator.newState();
        for (AggregateState state : states) {
            inMemory.merge(state);
        }
        Object result = aggregator.result(merged);
        assertThat(inMemory.result()).isEqualTo(result);
        return result;
    }

    /** DynamoDB gives numbers back as BigDecimal. */
    private static Object storedForm(Object partial) {
        if (partial instanceof Long l) {
            return new BigDecimal(l);
        }
        if (partial instanceof Double d) {
            return new BigDecimal(Double.toString(d));
        }
        return partial;
    }

    private static List<Event> numbers(Random random, boolean integersOnly) {
        int n = random.nextInt(300);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object value = integersOnly || random.nextBoolean() ? (Object) (random.nextLong(2_000_001) - 1_000_000)
                    : (Object) ((random.nextInt(2_000_001) - 1_000_000) / 8.0); // exact in binary
            events.add(new Event(value, random.nextInt(50), new RecordPosition(Long.toString(1000 + i), 0)));
        }
        return events;
    }

    private static double asDouble(Object value) {
        return ((Number) value).doubleValue();
    }

    @RepeatedTest(30)
    void countSumMinMaxAvgAreExact(RepetitionInfo info) {
        Random random = new Random(info.getCurrentRepetition());
        // Integers: results are exact longs. Eighths: binary-exact, so double sums are exact in any order too.
        List<Event> events = numbers(random, info.getCurrentRepetition() % 2 == 0);
        boolean integral = events.stream().allMatch(e -> e.value() instanceof Long);

        assertThat(mergedResult(aggregator("count", Map.of()), events, random)).isEqualTo((long) events.size());

        BigDecimal sum = events.stream().map(e -> new BigDecimal(e.value().toString()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        Object mergedSum = mergedResult(aggregator("sum", Map.of()), events, random);
        assertThat(new BigDecimal(mergedSum.toString())).isEqualByComparingTo(sum);
        assertThat(mergedSum).isInstanceOf(integral ? Long.class : Double.class);

        Object min = mergedResult(aggregator("min", Map.of()), events, random);
        Object max = mergedResult(aggregator("max", Map.of()), events, random);
        Object avg = mergedResult(aggregator("avg", Map.of()), events, random);
        if (events.isEmpty()) {
            assertThat(min).isNull();
            assertThat(max).isNull();
            assertThat(avg).isNull();
        } else {
            assertThat(asDouble(min)).isEqualTo(events.stream().mapToDouble(e -> asDouble(e.value())).min().orElseThrow());
            assertThat(asDouble(max)).isEqualTo(events.stream().mapToDouble(e -> asDouble(e.value())).max().orElseThrow());
            assertThat((Double) avg).isEqualTo(sum.doubleValue() / events.size());
        }
    }

    @Test
    void sumOfHugeIntegersSwitchesToDoubleInsteadOfWrapping() {
        Aggregator sum = aggregator("sum", Map.of());
        AggregateState state = sum.newState();
        state.addLong(Long.MAX_VALUE, 0, RecordPosition.of("1"));
        state.addLong(Long.MAX_VALUE, 0, RecordPosition.of("2"));
        assertThat((Double) state.result()).isEqualTo(2.0 * Long.MAX_VALUE);
    }

    @RepeatedTest(20)
    void firstAndLastFollowEventTimeThenPosition(RepetitionInfo info) {
        Random random = new Random(100 + info.getCurrentRepetition());
        List<Event> events = new ArrayList<>();
        int n = 1 + random.nextInt(200);
        for (int i = 0; i < n; i++) {
            Object value = random.nextBoolean() ? "u" + random.nextInt(50) : (Object) (long) random.nextInt(50);
            // Few distinct times so that ties are common; positions unique as sequence numbers are.
            events.add(new Event(value, random.nextInt(5), new RecordPosition(Long.toString(5000 + random.nextInt(100_000)), i)));
        }
        Comparator<Event> byTimeThenPosition = Comparator.comparingLong(Event::time)
                .thenComparing(Event::position);
        Object expectedFirst = events.stream().min(byTimeThenPosition).orElseThrow().value();
        Object expectedLast = events.stream().max(byTimeThenPosition).orElseThrow().value();

        assertThat(mergedResult(aggregator("first", Map.of()), events, random)).isEqualTo(expectedFirst);
        assertThat(mergedResult(aggregator("last", Map.of()), events, random)).isEqualTo(expectedLast);
    }

    @RepeatedTest(10)
    void distinctIsWithinThreeStandardErrors(RepetitionInfo info) {
        Random random = new Random(200 + info.getCurrentRepetition());
        List<Event> events = new ArrayList<>();
        Set<Object> truth = new HashSet<>();
        int universe = 10 + random.nextInt(50_000);
        for (int i = 0; i < 20_000; i++) {
            Object value = random.nextBoolean() ? "user-" + random.nextInt(universe) : (Object) (long) random.nextInt(universe);
            truth.add(value);
            events.add(new Event(value, 0, RecordPosition.of("1")));
        }
        long estimate = (Long) mergedResult(aggregator("distinct", Map.of()), events, random);
        double rse = 1.04 / Math.sqrt(1 << DistinctAggregator.DEFAULT_LG_K);
        assertThat((double) estimate).isCloseTo(truth.size(), within(3 * rse * truth.size() + 1));
    }

    @RepeatedTest(10)
    void quantileIsWithinTheRelativeAccuracyOfTheTrueRankValue(RepetitionInfo info) {
        Random random = new Random(300 + info.getCurrentRepetition());
        List<Event> events = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        int n = 1 + random.nextInt(5_000);
        for (int i = 0; i < n; i++) {
            // Latency-like, spanning orders of magnitude, some negative and zero values too.
            double v = random.nextInt(20) == 0 ? 0.0 : Math.exp(random.nextGaussian() * 3) * (random.nextInt(10) == 0 ? -1 : 1);
            values.add(v);
            events.add(new Event(v, 0, RecordPosition.of("1")));
        }
        Collections.sort(values);
        for (double q : new double[] {0.01, 0.5, 0.95, 0.99}) {
            double alpha = 0.01;
            Object result = mergedResult(aggregator("quantile", Map.of("q", q, "relative_accuracy", alpha)), events, random);
            double exact = values.get((int) Math.floor(q * (n - 1)));
            assertThat((Double) result).as("q=%s", q).isCloseTo(exact, within(alpha * Math.abs(exact) + 1e-12));
        }
    }

    @RepeatedTest(10)
    void topKIsExactWhenKCoversAllValues(RepetitionInfo info) {
        Random random = new Random(400 + info.getCurrentRepetition());
        int keys = 1 + random.nextInt(300);
        List<Event> events = new ArrayList<>();
        Map<String, Long> truth = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            // Skewed: low keys are frequent.
            int key = (int) Math.min(keys - 1, Math.abs(random.nextGaussian()) * keys / 3);
            Object value = key % 3 == 0 ? (Object) (long) key : "page-" + key;
            truth.merge(value.toString(), 1L, Long::sum);
            events.add(new Event(value, 0, RecordPosition.of("1")));
        }
        List<TopKRow> expected = truth.entrySet().stream().map(e -> new TopKRow(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong(TopKRow::count).reversed().thenComparing(TopKRow::value)).toList();

        assertThat(mergedResult(aggregator("topk", Map.of("k", (long) keys)), events, random)).isEqualTo(expected);
        // A smaller k gives the head of the same exact list (the sketch is still below its capacity).
        assertThat(mergedResult(aggregator("topk", Map.of("k", 5L)), events, random))
                .isEqualTo(expected.subList(0, Math.min(5, expected.size())));
    }

    @Test
    void everyAggregatorRoundTripsItsEmptyState() {
        for (String fn : List.of("count", "sum", "min", "max", "avg", "first", "last", "distinct")) {
            Aggregator aggregator = aggregator(fn, Map.of());
            Object partial = aggregator.newState().partial();
            assertThat(aggregator.result(partial)).as(fn).isEqualTo(aggregator.newState().result());
        }
        Aggregator p = aggregator("quantile", Map.of("q", 0.5));
        assertThat(p.result(p.newState().partial())).isNull();
        Aggregator top = aggregator("topk", Map.of("k", 3L));
        assertThat(top.result(top.newState().partial())).isEqualTo(List.of());
    }

    @Test
    void aPartialOfAnotherAggregatorIsRejectedWithAReason() {
        Object distinctPartial = aggregator("distinct", Map.of()).newState().partial();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> aggregator("quantile", Map.of("q", 0.5)).fromPartial(distinctPartial)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a partial of quantile");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> aggregator("count", Map.of()).fromPartial("seven")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a partial of count: found a String");
    }
}
