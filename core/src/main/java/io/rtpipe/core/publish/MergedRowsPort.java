package io.rtpipe.core.publish;

import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads merged (all shards') results of a metric, as {@code rtpipe query} shows them. */
public interface MergedRowsPort {

    /** The merged rows of the windows starting in {@code [from, to)}, ordered by window start, then key values. */
    List<MergedResult> merged(MetricSpec metric, Instant from, Instant to);

    /** The start of the first window in {@code [from, to)} that has a stored result, if any. */
    Optional<Instant> firstWindowStart(MetricSpec metric, Instant from, Instant to);
}
