package io.rtpipe.lambda.analytics;

import java.util.Map;
import java.util.TreeMap;

/**
 * The window state a shard would carry to its next invocation is over the limit (Lambda's is 1 MB per shard): the
 * message names the shard, the size, and how many (window, key) partials each metric holds.
 */
public final class StateTooLargeException extends RuntimeException {

    StateTooLargeException(String shardId, int size, int limit, WindowState state) {
        super(message(shardId, size, limit, state));
    }

    private static String message(String shardId, int size, int limit, WindowState state) {
        Map<String, Integer> perMetric = new TreeMap<>();
        state.partials().keySet().forEach(key -> perMetric.merge(key.metric(), 1, Integer::sum));
        StringBuilder counts = new StringBuilder();
        perMetric.forEach((metric, n) -> counts.append(counts.isEmpty() ? "" : ", ").append(metric).append(": ")
                .append(n).append(" (window, key) partials"));
        return "The window state of shard " + shardId + " would be " + size + " bytes, over the " + limit
                + "-byte limit (" + counts + "); shorten the event source mapping's tumbling window or reduce the "
                + "metrics' group-by cardinality.";
    }
}
