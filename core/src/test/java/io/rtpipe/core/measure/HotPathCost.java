package io.rtpipe.core.measure;

import io.rtpipe.core.aggregate.AggregateState;
import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.aggregate.AggregatorParams;
import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.record.RecordPosition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A quick per-event cost measurement of the CEL filter and of each aggregator's add (not a test; run by hand, see
 * docs/metrics.md "Cost per event"). Prints the median of several timed rounds after warm-up.
 */
public final class HotPathCost {
    private static final int EVENTS = 1024;
    private static final int PER_ROUND = 2_000_000;

    private HotPathCost() {
    }

    public static void main(String[] args) {
        Random random = new Random(1);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Map<String, Object> event = new HashMap<>();
            event.put("type", random.nextBoolean() ? "purchase" : "view");
            event.put("amount", random.nextInt(10_000) / 100.0);
            event.put("user_id", "user-" + random.nextInt(100_000));
            events.add(event);
        }
        EventFilter filter = EventFilter.compile("type == 'purchase' && amount > 0");
        report("filter type == 'purchase' && amount > 0", i -> filter.matches(events.get(i & (EVENTS - 1))) ? 1 : 0);

        // What an event the filter cannot decide within CEL's iteration budget costs before it is dead-lettered.
        EventFilter nested = EventFilter.compile("tags.exists(a, tags.exists(b, tags.exists(c, a + b + c == 'x')))");
        Map<String, Object> tagged = Map.of("tags", java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> "tag-" + (10_000 + i)).toList());
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 30; round++) {
            long start = System.nanoTime();
            if (nested.evaluate(tagged::get, null) != EventFilter.Outcome.OVER_BUDGET) {
                throw new IllegalStateException("the nested filter should exceed the budget");
            }
            best = Math.min(best, System.nanoTime() - start);
        }
        System.out.printf("%-45s %8.1f ms/event (best of 30)%n", "filter over budget (3 nested exists, 1000 tags)",
                best / 1e6);

        AggregatorRegistry registry = AggregatorRegistry.builtins();
        RecordPosition position = RecordPosition.of("49590338271490256608559692538361571095921575989136588898");
        for (String fn : List.of("count", "sum", "min", "avg", "quantile", "distinct", "topk", "first")) {
            Map<String, Object> params = switch (fn) {
                case "quantile" -> Map.of("q", 0.99);
                case "topk" -> Map.of("k", 10L);
                default -> Map.of();
            };
            Aggregator aggregator = registry.factory(fn).orElseThrow().create(AggregatorParams.of(true, params));
            AggregateState state = aggregator.newState();
            boolean strings = fn.equals("distinct") || fn.equals("topk") || fn.equals("first");
            report(fn + (strings ? " (string user_id)" : " (double amount)"), i -> {
                Map<String, Object> event = events.get(i & (EVENTS - 1));
                if (strings) {
                    state.addString((String) event.get("user_id"), i, position);
                } else {
                    state.addDouble((Double) event.get("amount"), i, position);
                }
                return 0;
            });
        }
    }

    private interface Work {
        int run(int i);
    }

    private static void report(String what, Work work) {
        double[] rounds = new double[7];
        int sink = 0;
        for (int r = 0; r < rounds.length; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < PER_ROUND; i++) {
                sink += work.run(i);
            }
            rounds[r] = (System.nanoTime() - start) / (double) PER_ROUND;
        }
        java.util.Arrays.sort(rounds, 2, rounds.length); // the first two rounds are warm-up
        System.out.printf("%-45s %8.1f ns/event (sink %d)%n", what, rounds[2 + (rounds.length - 2) / 2], sink);
    }
}
