package io.rtpipe.cli.console;

import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.metric.WindowSpec;
import io.rtpipe.core.result.MergedResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The results side of the console: a metric's windows over the history, merged over shards by connectors'
 * {@link ResultsQuery}, shaped for a chart (a line per top key) and a table of the latest windows. Every result in
 * the table is a fired window, so it is final for the shards that wrote it.
 */
final class ResultsView {

    /** Window starts listed in the latest-windows table. */
    static final int LATEST_WINDOWS = 3;
    /** Rows of the latest-windows table at most. */
    static final int LATEST_ROWS = 40;
    /** Latency is the median over this many latest windows. */
    private static final int LATENCY_WINDOWS = 10;

    private final ConsoleConfig config;
    private final ResultsQuery query;

    ResultsView(ConsoleConfig config, ResultsQuery query) {
        this.config = config;
        this.query = query;
    }

    /**
     * @param aggregate the numeric aggregate to chart, or null for the spec's first numeric one
     * @throws IllegalArgumentException with one sentence for an unknown metric or aggregate
     */
    MetricView view(String metric, String aggregate, Instant now) {
        MetricSpec spec = config.engine().metric(metric);
        if (spec == null) {
            throw new IllegalArgumentException("unknown metric '" + metric + "'");
        }
        Instant from = now.minus(config.history());
        Instant to = Instant.ofEpochMilli(MetricSpec.MAX_EVENT_TIME);
        List<MergedResult> results = query.merged(config.engine(), metric, from, to, Map.of());
        List<String> numeric = numericAggregates(spec, results);
        String drawn = aggregate != null ? aggregate : numeric.isEmpty() ? null : numeric.get(0);
        if (aggregate != null && !numeric.contains(aggregate)) {
            throw new IllegalArgumentException("metric '" + metric + "' has no numeric aggregate '" + aggregate
                    + "'; it has " + numeric);
        }
        Map<Instant, Instant> written = query.lastWrites(metric, from, to);

        TreeSet<Instant> starts = results.stream().map(MergedResult::windowStart)
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, Map<Instant, Number>> byKey = new LinkedHashMap<>();
        if (drawn != null) {
            for (MergedResult r : results) {
                if (r.values().get(drawn) instanceof Number n) {
                    byKey.computeIfAbsent(label(r.key()), k -> new HashMap<>()).put(r.windowStart(), n);
                }
            }
        }
        List<String> top = byKey.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, Map<Instant, Number>> e) -> -total(e.getValue()))
                        .thenComparing(Map.Entry::getKey))
                .limit(config.topKeys())
                .map(Map.Entry::getKey)
                .toList();
        List<MetricView.Series> series = top.stream()
                .map(key -> new MetricView.Series(key, starts.stream().map(s -> byKey.get(key).get(s)).toList()))
                .toList();
        return new MetricView(metric, describe(spec.windows()), numeric, drawn,
                starts.stream().map(Instant::toEpochMilli).toList(), series, byKey.size() - top.size(),
                latest(results, starts, written, drawn), medianLatency(results, starts, written));
    }

    private static List<String> numericAggregates(MetricSpec spec, List<MergedResult> results) {
        Set<String> numeric = new TreeSet<>();
        results.forEach(r -> r.values().forEach((name, value) -> {
            if (value instanceof Number) {
                numeric.add(name);
            }
        }));
        // In the spec's order, so the first declared aggregate is drawn by default.
        List<String> ordered = new ArrayList<>();
        results.stream().findFirst().ifPresent(r -> r.values().keySet().stream()
                .filter(numeric::contains).forEach(ordered::add));
        return ordered.isEmpty() && results.isEmpty()
                ? spec.aggregates().stream().map(a -> a.name()).toList()
                : ordered;
    }

    private static List<MetricView.Row> latest(List<MergedResult> results, TreeSet<Instant> starts,
                                               Map<Instant, Instant> written, String drawn) {
        Set<Instant> shown = starts.descendingSet().stream().limit(LATEST_WINDOWS).collect(Collectors.toSet());
        return results.stream()
                .filter(r -> shown.contains(r.windowStart()))
                .sorted(Comparator.comparing(MergedResult::windowStart).reversed()
                        .thenComparing(r -> -numberOr(r.values().get(drawn)))
                        .thenComparing(r -> label(r.key())))
                .limit(LATEST_ROWS)
                .map(r -> new MetricView.Row(r.windowStart().toString(), r.windowEnd().toString(), label(r.key()),
                        r.values(), latency(r, written)))
                .toList();
    }

    private static Long medianLatency(List<MergedResult> results, TreeSet<Instant> starts,
                                      Map<Instant, Instant> written) {
        Map<Instant, Instant> ends = new TreeMap<>();
        results.forEach(r -> ends.put(r.windowStart(), r.windowEnd()));
        List<Long> latencies = starts.descendingSet().stream().limit(LATENCY_WINDOWS)
                .map(start -> latencyMillis(ends.get(start), written.get(start)))
                .filter(Objects::nonNull)
                .sorted()
                .toList();
        return latencies.isEmpty() ? null : latencies.get(latencies.size() / 2);
    }

    private static Long latency(MergedResult r, Map<Instant, Instant> written) {
        return latencyMillis(r.windowEnd(), written.get(r.windowStart()));
    }

    /**
     * Window end → its last write, or null if unknown or written before the window ended: such a window was fired by
     * a drain (the input ended or the consumer drained on stop), not by its close, so its write time is no latency a
     * live stream sees (it used to show as a negative one).
     */
    static Long latencyMillis(Instant windowEnd, Instant written) {
        return written == null || written.isBefore(windowEnd) ? null : Duration.between(windowEnd, written).toMillis();
    }

    private static double total(Map<Instant, Number> values) {
        return values.values().stream().mapToDouble(n -> Math.abs(n.doubleValue())).sum();
    }

    private static double numberOr(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    /** A window spec as the YAML says it: {@code tumbling 1m}, {@code hopping 5m every 1m}, {@code session gap 30s}. */
    static String describe(WindowSpec windows) {
        if (windows instanceof TumblingWindows t) {
            return "tumbling " + duration(t.size());
        }
        if (windows instanceof HoppingWindows h) {
            return "hopping " + duration(h.size()) + " every " + duration(h.slide());
        }
        if (windows instanceof StaggerWindows s) {
            return "stagger " + duration(s.size());
        }
        return windows instanceof SessionWindows s ? "session gap " + duration(s.gap()) : windows.toString();
    }

    private static String duration(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /** A group key as the page shows it: {@code field=value, …}, or {@code (all)} for a metric without group-by. */
    static String label(Map<String, String> key) {
        return key.isEmpty() ? "(all)" : key.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
