package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The emulators backend end to end on one sandbox: each service through the clients rtpipe itself uses
 * ({@link AwsClients}), an injected S3 outage, and a close that leaves nothing running.
 */
class EmulatorsSandboxIT {

    @TempDir
    static Path workDir;

    private static LocalAws aws;
    private static AwsClients clients;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        aws = Sandbox.start(SandboxConfig.builder().backend(Backend.EMULATORS).workDir(workDir).build());
        System.out.printf("sandbox started in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, aws);
        clients = new AwsClients(aws.awsConfig());
    }

    /** close() must leave no emulator alive (checked by PID), drop S3's data and keep the logs. */
    @AfterAll
    static void closeStopsEveryEmulatorProcess() {
        List<Long> pids = aws.processes().stream().map(RunningProcess::pid).toList();
        assertThat(pids).hasSize(3);
        long t0 = System.nanoTime();
        aws.close();
        System.out.printf("sandbox closed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        assertThat(pids).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty());
        assertThat(aws.processes()).isEmpty();
        assertThat(workDir.resolve("s3-store")).doesNotExist();
        assertThat(workDir.resolve("logs")).isDirectoryContaining("glob:**/kinesis-mock.log")
                .isDirectoryContaining("glob:**/dynalite.log").isDirectoryContaining("glob:**/s3mock.log");
        aws.close(); // idempotent
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

    /**
     * What KCL depends on: the async Kinesis client from AwsClients (Netty, HTTP/2) talks to kinesis-mock's plain
     * port as h2c with prior knowledge, and the SDK encodes Kinesis calls as CBOR, which kinesis-mock accepts.
     * Checked on the wire through a recording proxy, independently of the SDK's own view.
     */
    @Test
    void asyncKinesisClientSpeaksH2cAndCborToKinesisMock() throws Exception {
        String stream = unique("sandbox-wire");
        aws.createStream(stream, 1);
        int kinesisPort = aws.awsConfig().kinesisEndpoint().orElseThrow().getPort();
        try (var proxy = new RecordingProxy(kinesisPort);
             var kinesis = new AwsClients(aws.awsConfig().toBuilder().kinesisEndpoint(proxy.endpoint()).build())
                     .kinesisAsync()) {
            kinesis.putRecord(r -> r.streamName(stream).partitionKey("k")
                    .data(SdkBytes.fromString("over the wire", StandardCharsets.UTF_8))).join();

            String wire = new String(proxy.sentBytes(), StandardCharsets.ISO_8859_1);
            assertThat(wire).as("HTTP/2 connection preface (h2c, prior knowledge)")
                    .startsWith("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            // CBOR: the key "StreamName" is a 10-byte text string (major type 3, header byte 0x6A), not JSON.
            assertThat(wire).contains("\u006aStreamName").doesNotContain("\"StreamName\"");
        }
    }

    @Test
    void dynamoDbTableStoresAndReturnsAnItem() {
        String table = unique("sandbox-it");
        try (var dynamo = clients.dynamoDb()) {
            dynamo.createTable(r -> r.tableName(table)
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName("pk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
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
    void s3ComesBackWithItsDataAfterAnInjectedOutage() {
        aws.createBucket("outage-it");
        try (var s3 = clients.s3()) {
            s3.putObject(r -> r.bucket("outage-it").key("k"), RequestBody.fromString("before outage"));
            long oldPid = s3Pid();
            var faults = aws.faults().orElseThrow();

            faults.stopS3();
            assertThat(ProcessHandle.of(oldPid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThatThrownBy(s3::listBuckets).isInstanceOf(SdkClientException.class);

            faults.startS3();
            assertThat(s3Pid()).isNotEqualTo(oldPid);
            assertThat(s3.getObjectAsBytes(r -> r.bucket("outage-it").key("k")).asUtf8String())
                    .isEqualTo("before outage");
        }
    }

    private static long s3Pid() {
        return aws.processes().stream().filter(p -> p.name().equals("s3mock")).findFirst().orElseThrow().pid();
    }

    @Test
    void endpointsAreAllLoopbackWithStaticTestCredentials() {
        var config = aws.awsConfig();
        assertThat(List.of(config.kinesisEndpoint(), config.dynamoDbEndpoint(), config.s3Endpoint(),
                config.cloudWatchEndpoint()))
                .allSatisfy(e -> assertThat(e).hasValueSatisfying(uri -> assertThat(uri.getHost()).isEqualTo("127.0.0.1")));
        assertThat(config.credentials()).isEqualTo(new io.rtpipe.connectors.aws.AwsConfig.StaticKeys("test", "test"));
        assertThat(aws.processes()).extracting(RunningProcess::name)
                .containsExactlyInAnyOrder("kinesis-mock", "dynalite", "s3mock");
    }
}
