package io.rtpipe.core.spec;

import io.rtpipe.core.filter.EventFilter;

import java.time.Duration;
import java.util.List;

/**
 * One metric as declared in a spec file, validated. Immutable.
 *
 * @param name            lower-case letters, digits, underscores; unique in the file (it appears in storage keys)
 * @param filter          which events count, or null for all
 * @param groupBy         the fields whose values form the group key, in order (empty: one key per window)
 * @param timestamp       where event time comes from
 * @param window          how time is cut into windows
 * @param allowedLateness how far behind the highest event time seen a window stays open
 * @param dedup           event-id de-duplication, or null for none
 * @param aggregates      what is computed per window and key, at least one, names unique
 */
public record MetricDefinition(String name, EventFilter filter, List<FieldPath> groupBy, TimestampDefinition timestamp,
                               WindowDefinition window, Duration allowedLateness, DedupDefinition dedup,
                               List<AggregateDefinition> aggregates) {
    public MetricDefinition {
        groupBy = List.copyOf(groupBy);
        aggregates = List.copyOf(aggregates);
    }
}
