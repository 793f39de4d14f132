package io.rtpipe.core.result;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.aggregate.Aggregator;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.KeyedWindows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Merges the per-shard partial {@link WindowResult}s of each (metric, window start, key) into one
 * {@link MergedResult}: each aggregate's partials are combined with its {@link Aggregator#mergePartials} (count: sum;
 * sketches: sketch merge) and turned into the final value with {@link Aggregator#result} (a Long, Double, String,
 * list of top-K rows, or null for "no value", e.g. the min of nothing). Every aggregate of the metric appears in the
 * merged values, in the metric's order.
 * <p>
 * Session windows are computed per shard and keyed by their start: partials of one key from different shards merge
 * only if their sessions start at the same time, and then the merged session ends at the latest end. (Route a key's
 * events to one shard, i.e. partition by the group key, for sessions that span all of its events.)
 * Stateless and thread-safe.
 */
public final class ResultMerger {
    private static final Comparator<MergedResult> ORDER = Comparator.comparing(MergedResult::metric)
            .thenComparing(MergedResult::windowStart)
            .thenComparing(r -> List.copyOf(r.key().entrySet()), ResultMerger::compareKeys);

    private final EngineConfig config;

    public ResultMerger(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    private record Group(String metric, Instant windowStart, Map<String, String> key) {
    }

    /**
     * @param partials at most one partial per (metric, window start, key, shard), as a store keyed like the results
     *                 sink holds them
     * @return merged results ordered by metric, window start, then key values
     * @throws IllegalArgumentException if a partial names an unknown metric or value, or a shard appears twice for
     *                                  the same window and key
     */
    public List<MergedResult> merge(Collection<WindowResult> partials) {
        Map<Group, MergedResult> merged = new HashMap<>();
        Map<Group, Set<String>> shards = new HashMap<>();
        for (WindowResult partial : partials) {
            MetricSpec spec = config.metric(partial.metric());
            if (spec == null) {
                throw new IllegalArgumentException("result for unknown metric '" + partial.metric() + "'");
            }
            Group group = new Group(partial.metric(), partial.windowStart(), partial.key());
            if (!shards.computeIfAbsent(group, g -> new HashSet<>()).add(partial.shardId())) {
                throw new IllegalArgumentException("two partial results of shard " + partial.shardId() + " for "
                        + group);
            }
            MergedResult before = merged.get(group);
            merged.put(group, before == null
                    ? new MergedResult(partial.metric(), partial.windowStart(), partial.windowEnd(), partial.key(),
                    checkedValues(spec, partial.values()))
                    : combine(spec, before, partial));
        }
        List<MergedResult> ordered = new ArrayList<>();
        for (MergedResult combined : merged.values()) {
            MetricSpec spec = config.metric(combined.metric());
            Map<String, Object> results = new LinkedHashMap<>();
            for (AggregateSpec aggregate : spec.aggregates()) {
                results.put(aggregate.name(), aggregate.aggregator().result(combined.values().get(aggregate.name())));
            }
            ordered.add(new MergedResult(combined.metric(), combined.windowStart(), combined.windowEnd(),
                    combined.key(), results));
        }
        ordered.sort(ORDER);
        return ordered;
    }

    private static Map<String, Object> checkedValues(MetricSpec spec, Map<String, Object> values) {
        for (String name : values.keySet()) {
            aggregate(spec, name);
        }
        return values;
    }

    private static Aggregator aggregate(MetricSpec spec, String valueName) {
        AggregateSpec aggregate = spec.aggregate(valueName);
        if (aggregate == null) {
            throw new IllegalArgumentException("metric " + spec.name() + " has no aggregate named '" + valueName + "'");
        }
        return aggregate.aggregator();
    }

    private static MergedResult combine(MetricSpec spec, MergedResult before, WindowResult partial) {
        Instant end = before.windowEnd();
        if (spec.windows() instanceof KeyedWindows) {
            end = end.isAfter(partial.windowEnd()) ? end : partial.windowEnd();
        } else if (!end.equals(partial.windowEnd())) {
            throw new IllegalArgumentException("partials of " + spec.name() + " at " + partial.windowStart()
                    + " disagree on the window end: " + before.windowEnd() + " vs " + partial.windowEnd());
        }
        Map<String, Object> values = new LinkedHashMap<>(before.values());
        partial.values().forEach((name, value) -> values.merge(name, value, aggregate(spec, name)::mergePartials));
        return new MergedResult(before.metric(), before.windowStart(), end, before.key(), values);
    }

    private static int compareKeys(List<Map.Entry<String, String>> a, List<Map.Entry<String, String>> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int byName = a.get(i).getKey().compareTo(b.get(i).getKey());
            if (byName != 0) {
                return byName;
            }
            int byValue = a.get(i).getValue().compareTo(b.get(i).getValue());
            if (byValue != 0) {
                return byValue;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
