package io.rtpipe.core.aggregate;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The aggregate functions a spec may use, by name. Immutable. */
public final class AggregatorRegistry {
    private static final Pattern FN = Pattern.compile("[a-z][a-z0-9_]*");

    private final Map<String, AggregatorFactory> byName;

    private AggregatorRegistry(Collection<AggregatorFactory> factories) {
        Map<String, AggregatorFactory> map = new TreeMap<>();
        for (AggregatorFactory factory : factories) {
            if (!FN.matcher(factory.fn()).matches()) {
                throw new IllegalArgumentException("aggregate function name '" + factory.fn() + "' of "
                        + factory.getClass().getName() + " must be lower-case letters, digits and underscores");
            }
            AggregatorFactory previous = map.putIfAbsent(factory.fn(), factory);
            if (previous != null) {
                throw new IllegalArgumentException("aggregate function '" + factory.fn() + "' is defined twice, by "
                        + previous.getClass().getName() + " and " + factory.getClass().getName());
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** Only the built-in functions: count, sum, min, max, avg, distinct, quantile, topk, first, last,
     * random_cut_forest, random_cut_forest_with_explanation. */
    public static AggregatorRegistry builtins() {
        return new AggregatorRegistry(BuiltinAggregators.factories());
    }

    /** The built-ins plus every {@link AggregatorFactory} that {@link ServiceLoader} finds through {@code loader}. */
    public static AggregatorRegistry withServiceLoader(ClassLoader loader) {
        List<AggregatorFactory> all = new java.util.ArrayList<>(BuiltinAggregators.factories());
        ServiceLoader.load(AggregatorFactory.class, loader).forEach(all::add);
        return new AggregatorRegistry(all);
    }

    /** The built-ins plus {@code extra}. */
    public static AggregatorRegistry of(List<AggregatorFactory> extra) {
        List<AggregatorFactory> all = new java.util.ArrayList<>(BuiltinAggregators.factories());
        all.addAll(extra);
        return new AggregatorRegistry(all);
    }

    public Optional<AggregatorFactory> factory(String fn) {
        return Optional.ofNullable(byName.get(fn));
    }

    /** Every function name, sorted (for error messages). */
    public Collection<String> names() {
        return byName.keySet();
    }
}
