package io.rtpipe.core.aggregate;

import java.util.Set;

/**
 * Makes {@link Aggregator}s for one function name: the SPI for custom aggregators. Implementations are found with
 * {@link java.util.ServiceLoader} (list them in {@code META-INF/services/io.rtpipe.core.aggregate.AggregatorFactory})
 * or registered on an {@link AggregatorRegistry}. Implementations must be thread-safe and have a public no-argument
 * constructor when loaded by ServiceLoader.
 */
public interface AggregatorFactory {

    /** The name specs use in {@code fn:}, e.g. "quantile"; lower case letters, digits and underscores. */
    String fn();

    /** Whether the function takes a field. */
    FieldUse field();

    /** The parameter keys the function accepts besides name, fn and field (any other key is a spec error). */
    Set<String> parameters();

    /**
     * Validates the parameters and builds the aggregator.
     *
     * @throws RuntimeException built by {@link AggregatorParams#invalid} for a value that is not allowed
     */
    Aggregator create(AggregatorParams params);
}
