package io.rtpipe.cli.console;

import java.util.List;
import java.util.Map;

/**
 * One metric's chart and latest windows, as the page draws them.
 *
 * @param window         the metric's window, e.g. "tumbling 1m"
 * @param aggregates     the numeric aggregates a chart can draw
 * @param aggregate      the one drawn
 * @param windowStarts   chart x values: the starts of the windows within the history (epoch ms), ascending
 * @param series         chart lines, the top keys by total of {@code aggregate}: one value per window start, null
 *                       where the key had no result
 * @param otherKeys      how many further keys the chart leaves out
 * @param latest         the final windows of the latest window starts, newest first, keys by value
 * @param latencyMillis  the median, over the latest windows, of window end → its last partial written
 */
record MetricView(String name, String window, List<String> aggregates, String aggregate, List<Long> windowStarts,
                  List<Series> series, int otherKeys, List<Row> latest, Long latencyMillis) {

    record Series(String key, List<Number> values) {}

    /** @param latencyMillis window end → its last partial written, or null if unknown */
    record Row(String windowStart, String windowEnd, String key, Map<String, Object> values, Long latencyMillis) {}
}
