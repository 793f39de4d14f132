package io.rtpipe.consumer;

import io.rtpipe.contract.Tables;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.StreamFeeder;
import io.rtpipe.core.aggregate.TopKRow;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.rtpipe.consumer.testing.TestEvents.utf8;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One shard fed what used to stall it (issue #13): a 1,100-character group value (a sort key over DynamoDB's 1,024
 * bytes), 700 long URLs in one key's top-K (a 432 KB partial, over the 400 KB item limit), 1e400 in a quantile field
 * of a key past the quantile's exact phase, and an event on which the CEL filter needs 10^9 steps. The consumer keeps
 * running and checkpointing with no failed write, every key is stored and reads back (the long key under its hash,
 * the top-K through its S3 object), and the two bad events are dead letters with their reasons.
 */
@ExtendWith(SandboxExtension.class)
class PoisonRecordsIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final String LONG_TYPE = "t".repeat(1_100);

    private static byte[] event(long ts, String type, String ms, String url, String tags) {
        return utf8("{\"ts\":" + ts + ",\"type\":\"" + type + "\",\"ms\":" + ms + ",\"url\":\"" + url
                + "\",\"tags\":" + tags + "}");
    }

    @Test
    void poisonRecordsAreDeadLetteredOrStoredAndTheShardKeepsCheckpointing(LocalAws aws) throws Exception {
        MetricSpec spec = MetricSpec.builder("pages").groupBy("type")
                .filter(EventFilter.compile(
                        "size(tags) < 3 || tags.exists(a, tags.exists(b, tags.exists(c, a + b + c == 'never')))"))
                .aggregates(AggregateSpec.count(), AggregateSpec.of("top_urls", "topk", "url", Map.of("k", 10L)),
                        AggregateSpec.of("p99", "quantile", "ms", Map.of("q", 0.99)))
                .build();
        EngineConfig engine = EngineConfig.builder().metrics(List.of(spec)).build();
        long t0 = T0.toEpochMilli();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            payloads.add(event(t0 + i, "click", Integer.toString(i + 1), "/c", "[]"));
        }
        byte[] infinite = event(t0 + 300, "click", "1e400", "/c", "[]");
        payloads.add(infinite);
        String manyTags = IntStream.range(0, 1000).mapToObj(i -> "\"tag-" + (10_000 + i) + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        byte[] slow = event(t0 + 301, "click", "1", "/c", manyTags);
        payloads.add(slow);
        for (int i = 0; i < 3; i++) {
            payloads.add(event(t0 + 400 + i, LONG_TYPE, "5", "/l", "[]"));
        }
        List<String> urls = IntStream.range(0, 700)
                .mapToObj(i -> "https://example.org/" + (1000 + i) + "/" + "p".repeat(600)).toList();
        for (int i = 0; i < urls.size(); i++) {
            payloads.add(event(t0 + 500 + i, "urls", "1", urls.get(i), "[]"));
        }
        for (int minute = 1; minute <= 3; minute++) { // moves the watermark: minute 0 fires and is checkpointed
            for (int i = 0; i < 10; i++) {
                payloads.add(event(t0 + minute * 60_000L + i, "view", "2", "/v", "[]"));
            }
        }

        try (var fx = new ConsumerFixture(aws, 1)) {
            List<StreamFeeder.Put> puts = fx.put(payloads);
            ConsumerConfig config = fx.config().engine(engine).build();
            var consumer = fx.consumer(config);
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(90))).isTrue();
            ConsumerFixture.await(Duration.ofSeconds(30), () -> consumer.stats().checkpoints() > 0,
                    "a checkpoint past the bad records");
            var running = consumer.stats();
            assertThat(running.stalledShards()).isZero();
            assertThat(running.writeFailures()).isZero();
            assertThat(consumer.drainAndStop(Duration.ofSeconds(30))).isTrue();

            // Every key of every window, merged as `rtpipe query` does (the spilled item followed to S3).
            Map<String, MergedResult> byKey = new TreeMap<>();
            try (var dynamoDb = fx.clients.dynamoDb()) {
                new ResultsQuery(dynamoDb, fx.s3, config.resultsTableName())
                        .merged(engine, "pages", T0.minusSeconds(60), T0.plusSeconds(600), Map.of())
                        .forEach(r -> byKey.put(r.windowStart() + " " + r.key().get("type"), r));
                var items = dynamoDb.scanPaginator(b -> b.tableName(config.resultsTableName())).items().stream()
                        .toList();
                assertThat(items).anySatisfy(item -> assertThat(item.get("sk").s())
                        .startsWith("2024-05-01T12:00:00.000Z#sha256:"));
                assertThat(items).filteredOn(item -> item.containsKey("spilled")).singleElement()
                        .satisfies(item -> assertThat(item.get("spilled").s())
                                .startsWith("s3://" + fx.bucket + "/results/" + config.resultsTableName() + "/pages/"));
                // one shard: one item per window and key, and its fired-through mark (everything, after the drain)
                assertThat(items).filteredOn(item -> item.get("sk").s().startsWith(Tables.RESULTS_MARK_SORT_KEY_PREFIX)).singleElement()
                        .satisfies(item -> assertThat(item.get("fired_through").n())
                                .isEqualTo(Long.toString(Long.MAX_VALUE)));
                assertThat(items).hasSize(6 + 1);
            }
            assertThat(byKey).containsOnlyKeys("2024-05-01T12:00:00Z click", "2024-05-01T12:00:00Z " + LONG_TYPE,
                    "2024-05-01T12:00:00Z urls", "2024-05-01T12:01:00Z view", "2024-05-01T12:02:00Z view",
                    "2024-05-01T12:03:00Z view");
            MergedResult click = byKey.get("2024-05-01T12:00:00Z click");
            assertThat(click.values().get("count")).isEqualTo(200L);
            // rank floor(0.99 * 199) = 197 of 1..200 is 198, within the sketch's 1%
            assertThat((Double) click.values().get("p99")).isCloseTo(198.0, within(1.98));
            assertThat(byKey.get("2024-05-01T12:00:00Z " + LONG_TYPE).values().get("count")).isEqualTo(3L);
            MergedResult top = byKey.get("2024-05-01T12:00:00Z urls");
            assertThat(top.values().get("count")).isEqualTo(700L);
            @SuppressWarnings("unchecked")
            List<TopKRow> rows = (List<TopKRow>) top.values().get("top_urls");
            // every URL once: the ten smallest values, each counted once (ties by value)
            assertThat(rows).extracting(TopKRow::value).containsExactlyElementsOf(urls.subList(0, 10));
            assertThat(rows).extracting(TopKRow::count).containsOnly(1L);
            assertThat(byKey.get("2024-05-01T12:03:00Z view").values().get("count")).isEqualTo(10L);

            List<IntervalLines.Line> dead = fx.archive(IntervalKind.DEADLETTER);
            Map<String, String> reasons = dead.stream().collect(Collectors.toMap(
                    line -> new String(line.data(), UTF_8),
                    line -> line.reason()));
            assertThat(reasons).containsOnlyKeys(new String(infinite, UTF_8),
                    new String(slow, UTF_8));
            assertThat(reasons.get(new String(infinite, UTF_8)))
                    .isEqualTo("ms: outside the range of a 64-bit floating-point number, not aggregated");
            assertThat(reasons.get(new String(slow, UTF_8)))
                    .contains("needs more than 10000 comprehension steps");
            assertThat(fx.archive(IntervalKind.RAW)).hasSize(puts.size());
        }
    }
}
