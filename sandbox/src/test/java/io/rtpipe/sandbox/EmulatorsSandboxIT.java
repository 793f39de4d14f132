package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.sandbox.process.ManagedProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulators backend end to end: each service through the clients rtpipe itself uses ({@link AwsClients}). */
class EmulatorsSandboxIT {

    private static EmulatorsLocalAws aws;
    private static AwsClients clients;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        aws = (EmulatorsLocalAws) Sandbox.start(SandboxConfig.builder().backend(Backend.EMULATORS).build());
        System.out.printf("sandbox started in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, aws);
        clients = new AwsClients(aws.awsConfig());
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void kinesisStreamWithTwoShardsCarriesARecordThroughTheAsyncClient() {
        String stream = unique("sandbox-it");
        aws.createStream(stream, 2);
        try (var kinesis = clients.kinesisAsync()) {
            var summary = kinesis.describeStreamSummary(r -> r.streamName(stream)).join().streamDescriptionSummary();
            assertThat(summary.openShardCount()).isEqualTo(2);

            var put = kinesis.putRecord(r -> r.streamName(stream).partitionKey("k-1")
                    .data(SdkBytes.fromString("hello kinesis", StandardCharsets.UTF_8))).join();
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(put.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            var records = kinesis.getRecords(r -> r.shardIterator(iterator)).join().records();

            assertThat(records).hasSize(1);
            assertThat(records.get(0).data().asUtf8String()).isEqualTo("hello kinesis");
            assertThat(records.get(0).sequenceNumber()).isEqualTo(put.sequenceNumber());
        }
    }

    @Test
    void dynamoDbTableStoresAndReturnsAnItem() {
        String table = unique("sandbox-it");
        try (var dynamo = clients.dynamoDb()) {
            dynamo.createTable(r -> r.tableName(table)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                    .billingMode("PAY_PER_REQUEST"));
            dynamo.putItem(r -> r.tableName(table).item(Map.of(
                    "pk", AttributeValue.fromS("window-1"), "count", AttributeValue.fromN("42"))));

            var item = dynamo.getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("window-1"))))
                    .item();
            assertThat(item.get("count").n()).isEqualTo("42");
        }
        try (var dynamoAsync = clients.dynamoDbAsync()) {
            assertThat(dynamoAsync.listTables().join().tableNames()).contains(table);
        }
    }

    @Test
    void s3BucketStoresAndReturnsAnObject() {
        String bucket = unique("sandbox-it");
        aws.createBucket(bucket);
        try (var s3 = clients.s3()) {
            s3.putObject(r -> r.bucket(bucket).key("raw/shard-0/1.json"), RequestBody.fromString("{\"a\":1}"));
            String body = s3.getObjectAsBytes(r -> r.bucket(bucket).key("raw/shard-0/1.json")).asUtf8String();
            assertThat(body).isEqualTo("{\"a\":1}");
        }
    }

    @Test
    void endpointsAreAllLoopbackWithStaticTestCredentials() {
        var config = aws.awsConfig();
        assertThat(List.of(config.kinesisEndpoint(), config.dynamoDbEndpoint(), config.s3Endpoint(),
                config.cloudWatchEndpoint()))
                .allSatisfy(e -> assertThat(e).hasValueSatisfying(uri -> assertThat(uri.getHost()).isEqualTo("127.0.0.1")));
        assertThat(config.credentials()).isEqualTo(new io.rtpipe.connectors.aws.AwsConfig.StaticKeys("test", "test"));
        assertThat(aws.processes()).extracting(ManagedProcess::name)
                .containsExactlyInAnyOrder("kinesis-mock", "dynalite", "s3mock");
    }
}
