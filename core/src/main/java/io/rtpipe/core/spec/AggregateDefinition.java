package io.rtpipe.core.spec;

import io.rtpipe.core.aggregate.Aggregator;

/**
 * One aggregate of a metric.
 *
 * @param name       the value's name in results, unique within the metric
 * @param fn         the function name as written, e.g. "quantile"
 * @param field      the field aggregated, or null (count without a field)
 * @param aggregator the configured function
 */
public record AggregateDefinition(String name, String fn, FieldPath field, Aggregator aggregator) {
}
