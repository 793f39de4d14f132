package io.rtpipe.consumer.outputs;

import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.AlertSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.result.MergedResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Final rows the output tests publish, built by hand in place of the publisher: metric {@code orders}, one-minute
 * windows from {@link #T0}, keys {@code type} a, b and c, a count each window that is a fixed function of the
 * window and key, so every run and every restarted process sees the same rows.
 */
final class OrderWindows {
    static final Instant T0 = Instant.parse("2026-11-26T05:00:00Z");
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final List<String> TYPES = List.of("a", "b", "c");
    /** The alert threshold: count above it is a crossing. */
    static final long THRESHOLD = 10;

    private OrderWindows() {
    }

    static Instant start(int window) {
        return T0.plus(WINDOW.multipliedBy(window));
    }

    /** The count of {@code type} in window {@code window}: above {@link #THRESHOLD} for about one row in three. */
    static long count(int window, String type) {
        return (window * 7L + type.charAt(0) * 13L) % 17;
    }

    static MergedResult row(int window, String type) {
        return new MergedResult("orders", start(window), start(window).plus(WINDOW), Map.of("type", type),
                Map.of("count", count(window, type)));
    }

    /** The rows of windows {@code [from, to)}, in window-start order. */
    static List<MergedResult> rows(int from, int to) {
        List<MergedResult> rows = new ArrayList<>();
        for (int window = from; window < to; window++) {
            for (String type : TYPES) {
                rows.add(row(window, type));
            }
        }
        return rows;
    }

    /** The metric with these outputs; an alert "count > THRESHOLD" with {@code throttle} if one carries alerts. */
    static MetricSpec metric(Duration throttle, OutputSpec... outputs) {
        MetricSpec.Builder metric = MetricSpec.builder("orders").groupBy("type").aggregates(AggregateSpec.count())
                .outputs(List.of(outputs));
        if (List.of(outputs).stream().anyMatch(output -> output.kind().carriesAlerts())) {
            metric.alert(AlertSpec.of("count > " + THRESHOLD, throttle, Set.of("count")));
        }
        return metric.build();
    }
}
