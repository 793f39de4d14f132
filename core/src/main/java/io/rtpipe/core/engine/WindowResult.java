package io.rtpipe.core.engine;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One shard's partial result of one metric for one group key and one window. Written as an absolute value keyed by
 * (metric, windowStart, key, shardId), so that writing it again after a replay leaves the same item; readers merge the
 * partials of all shards.
 *
 * @param key    group-by field name to value, in the metric's group-by order
 * @param values aggregate name to its partial value (Long, Double, String, or byte[] for a serialized sketch)
 */
public record WindowResult(String metric, Instant windowStart, Instant windowEnd, Map<String, String> key,
                           String shardId, Map<String, Object> values) {
    public WindowResult {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        Objects.requireNonNull(shardId, "shardId");
        key = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(key));
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }
}
