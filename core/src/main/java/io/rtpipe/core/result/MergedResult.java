package io.rtpipe.core.result;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The final value of one metric for one window and group key: the partials of all shards merged.
 *
 * @param key    group-by field name to value, in the metric's group-by order
 * @param values aggregate name to merged value
 */
public record MergedResult(String metric, Instant windowStart, Instant windowEnd, Map<String, String> key,
                           Map<String, Object> values) {
    public MergedResult {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
