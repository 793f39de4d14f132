package io.rtpipe.consumer.testing;

import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.core.engine.WindowResult;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Reads the consumer's results back for comparison with {@link TestEvents}' ground truth. */
public final class Results {

    public static final String METRIC = "events_per_minute";

    private Results() {
    }

    /** Merged {@code events_per_minute} counts per (window start, type) for windows starting in [from, to). */
    public static Map<TestEvents.MinuteAndType, Long> countsPerMinute(ConsumerFixture fx, Instant from, Instant to) {
        Map<TestEvents.MinuteAndType, Long> counts = new TreeMap<>();
        try (var dynamoDb = fx.clients.dynamoDb()) {
            var query = new ResultsQuery(dynamoDb, fx.application + "-results");
            for (WindowResult partial : query.partials(METRIC, from, to, Map.of())) {
                counts.merge(new TestEvents.MinuteAndType(partial.windowStart(), partial.key().get("type")),
                        ((Number) partial.values().get("count")).longValue(), Long::sum);
            }
        }
        return counts;
    }
}
