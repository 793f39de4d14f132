package io.rtpipe.producer.partition;

import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.MetricSpec;

import java.util.List;
import java.util.Objects;

/**
 * The one rule every source and {@code rtpipe local} key records by. De-duplication, session windows and the key cap
 * work per shard, so two copies of one event (a producer retry, a line sent again after a crash, a client posting
 * twice) are counted once only if they reach the same shard: records are partitioned by the field the metrics
 * de-duplicate on, so copies share a key and a shard. Which field:
 * <ol>
 *   <li>the field the user names ({@code --partition-key-field}); or random keys if the user asks for them
 *       ({@code --random-partition-keys}: even spread, copies counted twice);</li>
 *   <li>else the first top-level {@code dedup} field of the metric spec, in spec order;</li>
 *   <li>else {@link MetricSpec#DEFAULT_DEDUP_FIELD} ({@code event_id}), the built-in metric's.</li>
 * </ol>
 * A record without the field (or not a JSON object) gets a random key, counted as a partition-key fallback: it has no
 * id to be de-duplicated by anyway. A nested dedup field ({@code meta.id}) cannot be read by the key selector, which
 * reads top-level fields only: such metrics fall through to {@code event_id}; name a top-level field to do better.
 */
public final class PartitionRule {

    private PartitionRule() {
    }

    /**
     * @param field   the field the user named, or null
     * @param random  whether the user asked for random keys (not together with {@code field})
     * @param metrics the metrics the records feed (empty when unknown, e.g. {@code rtpipe produce} without a spec)
     */
    public static PartitionKeySelector selector(String field, boolean random, List<MetricSpec> metrics) {
        if (random) {
            if (field != null) {
                throw new IllegalArgumentException("random partition keys and a partition key field exclude each other");
            }
            return PartitionKeySelector.random();
        }
        return PartitionKeySelector.jsonField(field != null ? field : defaultField(metrics));
    }

    /** The field records are partitioned by when the user names none: rules 2 and 3 above. */
    public static String defaultField(List<MetricSpec> metrics) {
        return metrics.stream().map(MetricSpec::dedupField).filter(Objects::nonNull)
                .filter(path -> !path.isNested()).map(FieldPath::root).findFirst()
                .orElse(MetricSpec.DEFAULT_DEDUP_FIELD);
    }
}
