package io.rtpipe.consumer.testing;

import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Reads the consumer's merged results back for comparison with {@link TestEvents}' ground truth. */
public final class Results {

    private Results() {
    }

    /** Merged {@code events_per_minute} counts per (window start, type) for windows starting in [from, to). */
    public static Map<TestEvents.MinuteAndType, Long> countsPerMinute(ConsumerFixture fx, Instant from, Instant to) {
        Map<TestEvents.MinuteAndType, Long> counts = new TreeMap<>();
        try (var dynamoDb = fx.clients.dynamoDb()) {
            var query = new ResultsQuery(dynamoDb, fx.s3, fx.application + "-results");
            for (MergedResult result : query.merged(EngineConfig.defaults(), MetricSpec.EVENTS_PER_MINUTE, from, to,
                    Map.of())) {
                var key = new TestEvents.MinuteAndType(result.windowStart(), result.key().get("type"));
                if (counts.put(key, ((Number) result.values().get("count")).longValue()) != null) {
                    throw new AssertionError("two merged results for " + key);
                }
            }
        }
        return counts;
    }
}
