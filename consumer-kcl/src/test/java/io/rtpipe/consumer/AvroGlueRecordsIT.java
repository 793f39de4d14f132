package io.rtpipe.consumer;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.schema.FakeGlueSchemaRegistry;
import io.rtpipe.connectors.schema.SchemaRegistries;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.BinaryRecords;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.core.spec.SpecLoader;
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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Avro records in the Glue Schema Registry's framing, put to the Kinesis emulator and consumed by the KCL consumer
 * with the spec's {@code decoder: {type: avro, framing: glue}}: the writer schema comes from a fake Glue registry
 * (GetSchemaVersion through the AWS configuration's Glue endpoint), which is down when the consumer starts. The
 * counts per country equal the test's own tally, and only the two bad records are dead letters: the outage
 * delayed records and dead-lettered none.
 */
@ExtendWith(SandboxExtension.class)
class AvroGlueRecordsIT {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final UUID VERSION = UUID.fromString("5e1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b");

    private static byte[] order(long ts, String country, float amount, boolean zlib) {
        return BinaryRecords.glue(VERSION, zlib, BinaryRecords.avroOrder(ts, 200, amount, "u", country, "WEB",
                List.of(), Map.of(), new byte[0]));
    }

    @Test
    void glueFramedAvroIsCountedWithTheSchemaFromTheRegistry(LocalAws aws) throws Exception {
        long t0 = T0.toEpochMilli();
        List<String> countries = List.of("DE", "FR", "IT");
        Map<String, Long> expectedCounts = new TreeMap<>();
        Map<String, Double> expectedSums = new TreeMap<>();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String country = countries.get(i % 3);
            float amount = (i % 7) + 0.5f;
            payloads.add(order(t0 + i * 100L, country, amount, i % 2 == 0));
            expectedCounts.merge(country, 1L, Long::sum);
            expectedSums.merge(country, (double) amount, Double::sum);
        }
        byte[] unknownVersion = BinaryRecords.glue(UUID.fromString("00000000-0000-4000-8000-000000000000"), false,
                BinaryRecords.avroOrder(t0 + 40_000, 200, 1f, "u", "DE", "WEB", List.of(), Map.of(), new byte[0]));
        byte[] corrupt = {3, 9, 1, 2, 3};
        payloads.add(unknownVersion);
        payloads.add(corrupt);

        try (var fx = new ConsumerFixture(aws, 1); FakeGlueSchemaRegistry glue = new FakeGlueSchemaRegistry()) {
            glue.register(VERSION, BinaryRecords.ORDER_SCHEMA);
            glue.failNext(4);
            EngineConfig spec = SpecLoader.standard().parse("orders.yaml", """
                    decoder: {type: avro, framing: glue}
                    metrics:
                      - name: orders
                        group_by: [user.country]
                        timestamp: ts
                        window: {type: tumbling, size: 1m}
                        aggregates:
                          - {name: n, fn: count}
                          - {name: total, fn: sum, field: amount}
                    """);
            EngineConfig engine = SchemaRegistries.attach(spec,
                    new AwsClients(fx.clients.config().toBuilder().glueEndpoint(glue.uri()).build()));
            fx.put(payloads);
            ConsumerConfig config = fx.config().engine(engine).build();
            var consumer = fx.consumer(config);
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(90))).isTrue();
            assertThat(consumer.drainAndStop(Duration.ofSeconds(30))).isTrue();
            assertThat(consumer.stats().stalledShards()).isZero();

            Map<String, Long> counts = new TreeMap<>();
            Map<String, Double> sums = new TreeMap<>();
            try (var dynamoDb = fx.clients.dynamoDb()) {
                for (MergedResult r : new ResultsQuery(dynamoDb, fx.s3, config.resultsTableName())
                        .merged(engine, "orders", T0.minusSeconds(60), T0.plusSeconds(600), Map.of())) {
                    counts.merge(r.key().get("user.country"), (Long) r.values().get("n"), Long::sum);
                    sums.merge(r.key().get("user.country"), (Double) r.values().get("total"), Double::sum);
                }
            }
            assertThat(counts).isEqualTo(expectedCounts);
            assertThat(sums).isEqualTo(expectedSums);

            List<IntervalLines.Line> dead = fx.archive(IntervalKind.DEADLETTER);
            assertThat(dead).extracting(IntervalLines.Line::reason).containsExactlyInAnyOrder(
                    "the record's writer schema cannot be had: Glue schema version "
                            + "00000000-0000-4000-8000-000000000000 is not in the registry (GetSchemaVersion: "
                            + "Schema version is not found.)",
                    "not Glue Schema Registry-framed: expected header version byte 3, a compression byte and a "
                            + "16-byte schema version id, found 5 bytes starting 03090102...");
            // the four failed calls, the version's answer and the unknown version's: each answered once
            assertThat(glue.lookups()).isEqualTo(6);
        }
    }
}
