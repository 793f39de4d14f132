package io.rtpipe.core.metric;

import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.aggregate.AggregatorFactory;
import io.rtpipe.core.aggregate.AggregatorParams;
import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.aggregate.FieldUse;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One aggregate of a metric: a named value computed per window and key.
 *
 * @param name       the value's name in results, unique within the metric
 * @param fn         the function name, e.g. "quantile"
 * @param field      the field aggregated, or null (count without a field)
 * @param aggregator the configured function
 * @param params     the function's parameters as the spec wrote them (e.g. {@code q=0.99}), for display
 * @param fields     the fields a function of {@link FieldUse#LIST} reads together as one point, in order (then
 *                   {@code field} is null); empty for every other function
 */
public record AggregateSpec(String name, String fn, FieldPath field, Aggregator aggregator,
                            Map<String, String> params, List<FieldPath> fields) {
    /** The most fields a {@link FieldUse#LIST} aggregate reads (its points' dimensions, before shingling). */
    public static final int MAX_FIELDS = 16;

    private static final AggregatorRegistry BUILTINS = AggregatorRegistry.builtins();

    public AggregateSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(aggregator, "aggregator");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        fields = List.copyOf(fields);
        if (field != null && !fields.isEmpty()) {
            throw new IllegalArgumentException("aggregate " + name + ": a field or a list of fields, not both");
        }
    }

    /** A single-field (or field-less) aggregate. */
    public AggregateSpec(String name, String fn, FieldPath field, Aggregator aggregator,
                         Map<String, String> params) {
        this(name, fn, field, aggregator, params, List.of());
    }

    /** An aggregate whose parameters are not recorded for display. */
    public AggregateSpec(String name, String fn, FieldPath field, Aggregator aggregator) {
        this(name, fn, field, aggregator, Map.of());
    }

    /** The number of events, named "count". */
    public static AggregateSpec count() {
        return of("count", "count", null, Map.of());
    }

    /**
     * A built-in function configured in code, e.g. {@code of("p99", "quantile", "amount", Map.of("q", 0.99))}.
     *
     * @param field a field path, or null for count without a field
     * @throws IllegalArgumentException for an unknown function, a missing or superfluous field, or a bad parameter
     */
    public static AggregateSpec of(String name, String fn, String field, Map<String, ?> params) {
        return of(name, fn, field, List.of(), params);
    }

    /**
     * A built-in function of several fields configured in code, e.g.
     * {@code ofFields("anomaly", "random_cut_forest", List.of("x", "y"), Map.of())}.
     *
     * @throws IllegalArgumentException for an unknown function, one that takes no list of fields, or a bad parameter
     */
    public static AggregateSpec ofFields(String name, String fn, List<String> fields, Map<String, ?> params) {
        return of(name, fn, null, fields, params);
    }

    private static AggregateSpec of(String name, String fn, String field, List<String> fields,
                                    Map<String, ?> params) {
        AggregatorFactory factory = BUILTINS.factory(fn).orElseThrow(() -> new IllegalArgumentException(
                "unknown aggregate function '" + fn + "', expected one of " + BUILTINS.names()));
        if (field == null && factory.field() == FieldUse.REQUIRED) {
            throw new IllegalArgumentException("aggregate " + name + ": " + fn + " needs a field");
        }
        if (field != null && (factory.field() == FieldUse.NONE || factory.field() == FieldUse.LIST)) {
            throw new IllegalArgumentException("aggregate " + name + ": " + fn + " takes no single field");
        }
        if (fields.isEmpty() == (factory.field() == FieldUse.LIST)) {
            throw new IllegalArgumentException("aggregate " + name + ": " + fn
                    + (fields.isEmpty() ? " needs a list of fields" : " takes no list of fields"));
        }
        for (String key : params.keySet()) {
            if (!factory.parameters().contains(key)) {
                throw new IllegalArgumentException("aggregate " + name + ": " + fn + " has no parameter '" + key
                        + "', only " + factory.parameters());
            }
        }
        Map<String, String> shown = new LinkedHashMap<>();
        params.forEach((key, value) -> shown.put(key, String.valueOf(value)));
        boolean hasField = field != null || !fields.isEmpty();
        return new AggregateSpec(name, fn, field == null ? null : FieldPath.parse(field),
                factory.create(AggregatorParams.of(hasField, fields, params)), shown,
                fields.stream().map(FieldPath::parse).toList());
    }
}
