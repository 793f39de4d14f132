package io.rtpipe.consumer;

import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.spec.SpecLoader;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events joined with an S3 object (CSV, versioned by its ETag) and a DynamoDB table through the KCL consumer on the
 * emulators: the results group and sum the joined columns as the test computes them, and the shards' progress
 * names the versions they used.
 */
@ExtendWith(SandboxExtension.class)
class ReferenceJoinIT {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    /** Per country, the merged value of {@code aggregate} in the first minute. */
    private static Map<String, Long> written(ResultsQuery query, EngineConfig engine, String aggregate) {
        Map<String, Long> values = new TreeMap<>();
        for (MergedResult result : query.merged(engine, "revenue", T0, T0.plusSeconds(60), Map.of())) {
            values.put(result.key().get("users.country"), ((Number) result.values().get(aggregate)).longValue());
        }
        return values;
    }

    @Test
    void resultsAggregateJoinedColumnsAndTheProgressNamesTheVersionsUsed(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2); DynamoDbClient dynamoDb = fx.clients.dynamoDb()) {
            Map<String, Long> price = new TreeMap<>();
            StringBuilder csv = new StringBuilder("product_id,price\n");
            for (int p = 0; p < 5; p++) {
                price.put("p" + p, 10L * (p + 1));
                csv.append("p").append(p).append(',').append(10 * (p + 1)).append('\n');
            }
            String etag = fx.s3.putObject(b -> b.bucket(fx.bucket).key("ref/products.csv"),
                    RequestBody.fromString(csv.toString())).eTag().replace("\"", "");
            String users = unique("users");
            dynamoDb.createTable(b -> b.tableName(users).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("user_id").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("user_id").attributeType(ScalarAttributeType.S)));
            Map<String, String> country = Map.of("u1", "NL", "u2", "DE", "u3", "NL");
            country.forEach((user, c) -> dynamoDb.putItem(b -> b.tableName(users).item(Map.of(
                    "user_id", AttributeValue.fromS(user), "country", AttributeValue.fromS(c)))));

            EngineConfig engine = SpecLoader.standard().parse("spec.yaml", """
                    references:
                      - {name: products, s3: "s3://%s/ref/products.csv", format: csv, key: product_id, on: product}
                      - {name: users, dynamodb: %s, key: user_id, on: user}
                    metrics:
                      - name: revenue
                        group_by: [users.country]
                        window: {type: tumbling, size: 1m}
                        aggregates: [{name: total, fn: sum, field: products.price}, {name: orders, fn: count}]
                    """.formatted(fx.bucket, users));

            // Ground truth from the maps above; unknown products count as orders without a price.
            Random random = new Random(5);
            List<byte[]> payloads = new ArrayList<>();
            Map<String, Long> totals = new TreeMap<>();
            Map<String, Long> orders = new TreeMap<>();
            for (int i = 0; i < 400; i++) {
                String product = "p" + random.nextInt(6);
                String user = "u" + (1 + random.nextInt(3));
                payloads.add(("{\"ts\":" + (T0.toEpochMilli() + i * 100L) + ",\"product\":\"" + product
                        + "\",\"user\":\"" + user + "\"}").getBytes(StandardCharsets.UTF_8));
                totals.merge(country.get(user), price.getOrDefault(product, 0L), Long::sum);
                orders.merge(country.get(user), 1L, Long::sum);
            }
            fx.put(payloads);

            var consumer = fx.consumer(fx.config().engine(engine).idleWatermarkAfter(Duration.ofSeconds(1)).build());
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
            var query = new ResultsQuery(dynamoDb, fx.s3, fx.application + "-results");
            // Each shard writes its share when its idle watermark closes the minute: wait for both shares.
            ConsumerFixture.await(Duration.ofSeconds(90), () -> written(query, engine, "total").equals(totals),
                    "the joined totals of both shards written");
            assertThat(written(query, engine, "orders")).isEqualTo(orders);

            String progressTable = consumer.config().progressTableName();
            List<String> stored = dynamoDb.scanPaginator(b -> b.tableName(progressTable)).items().stream()
                    .map(Object::toString).toList();
            assertThat(stored).anySatisfy(item -> assertThat(item).contains("etag:" + etag).contains("sha256:"));
        }
    }
}
