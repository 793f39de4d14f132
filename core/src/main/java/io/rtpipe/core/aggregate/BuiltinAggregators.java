package io.rtpipe.core.aggregate;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The built-in aggregate functions as factories; see docs/metrics.md for their parameters and error bounds. */
final class BuiltinAggregators {
    /** KDA's four parameters (in snake case), then what a window's summary keeps. */
    private static final Set<String> RANDOM_CUT_FOREST_PARAMETERS = java.util.Collections.unmodifiableSet(
            new java.util.LinkedHashSet<>(List.of("number_of_trees", "sub_sample_size", "time_decay", "shingle_size",
                    "threshold", "top")));

    private static final Set<String> HOTSPOTS_PARAMETERS = java.util.Collections.unmodifiableSet(
            new java.util.LinkedHashSet<>(List.of("scan_radius", "min_points", "max_points")));

    private BuiltinAggregators() {
    }

    static List<AggregatorFactory> factories() {
        return List.of(
                simple("count", FieldUse.OPTIONAL, params -> new CountAggregator(params.hasField())),
                simple("sum", FieldUse.REQUIRED, params -> new SumAggregator()),
                simple("min", FieldUse.REQUIRED, params -> new ExtremumAggregator(false)),
                simple("max", FieldUse.REQUIRED, params -> new ExtremumAggregator(true)),
                simple("avg", FieldUse.REQUIRED, params -> new AvgAggregator()),
                simple("first", FieldUse.REQUIRED, params -> new FirstLastAggregator(false)),
                simple("last", FieldUse.REQUIRED, params -> new FirstLastAggregator(true)),
                new Factory("distinct", FieldUse.REQUIRED, Set.of("lg_k"), BuiltinAggregators::distinct),
                new Factory("quantile", FieldUse.REQUIRED, Set.of("q", "relative_accuracy"),
                        BuiltinAggregators::quantile),
                new Factory("topk", FieldUse.REQUIRED, Set.of("k"), BuiltinAggregators::topK),
                new Factory("random_cut_forest", FieldUse.LIST, RANDOM_CUT_FOREST_PARAMETERS,
                        params -> RandomCutForestAggregator.create("random_cut_forest", false, params)),
                new Factory("random_cut_forest_with_explanation", FieldUse.LIST, RANDOM_CUT_FOREST_PARAMETERS,
                        params -> RandomCutForestAggregator.create("random_cut_forest_with_explanation", true,
                                params)),
                new Factory("hotspots", FieldUse.LIST, HOTSPOTS_PARAMETERS, HotspotsAggregator::create));
    }

    private static Aggregator distinct(AggregatorParams params) {
        long lgK = params.integer("lg_k", DistinctAggregator.DEFAULT_LG_K);
        if (lgK < DistinctAggregator.MIN_LG_K || lgK > DistinctAggregator.MAX_LG_K) {
            throw params.invalid("lg_k", "a whole number from " + DistinctAggregator.MIN_LG_K + " to "
                    + DistinctAggregator.MAX_LG_K + " (from 20 the sketch is over the 400 KB a results item holds)");
        }
        return new DistinctAggregator((int) lgK);
    }

    private static Aggregator quantile(AggregatorParams params) {
        if (!params.has("q")) {
            throw params.invalid("q", "a number strictly between 0 and 1, such as 0.99");
        }
        double q = params.number("q", Double.NaN);
        if (!(q > 0 && q < 1)) {
            throw params.invalid("q", "a number strictly between 0 and 1, such as 0.99");
        }
        double accuracy = params.number("relative_accuracy", QuantileAggregator.DEFAULT_RELATIVE_ACCURACY);
        if (!(accuracy >= 0.0001 && accuracy <= 0.5)) {
            throw params.invalid("relative_accuracy", "a number from 0.0001 to 0.5, such as 0.01");
        }
        return new QuantileAggregator(q, accuracy);
    }

    private static Aggregator topK(AggregatorParams params) {
        if (!params.has("k")) {
            throw params.invalid("k", "a whole number from 1 to " + TopKAggregator.MAX_K);
        }
        long k = params.integer("k", 0);
        if (k < 1 || k > TopKAggregator.MAX_K) {
            throw params.invalid("k", "a whole number from 1 to " + TopKAggregator.MAX_K);
        }
        return new TopKAggregator((int) k);
    }

    private static AggregatorFactory simple(String fn, FieldUse field, Function<AggregatorParams, Aggregator> make) {
        return new Factory(fn, field, Set.of(), make);
    }

    private record Factory(String fn, FieldUse field, Set<String> parameters,
                           Function<AggregatorParams, Aggregator> make) implements AggregatorFactory {
        @Override
        public Aggregator create(AggregatorParams params) {
            return make.apply(params);
        }
    }
}
