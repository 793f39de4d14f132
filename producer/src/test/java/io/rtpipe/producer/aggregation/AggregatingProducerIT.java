package io.rtpipe.producer.aggregation;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.Sandbox;
import io.rtpipe.sandbox.SandboxConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Aggregated records through the real producer into kinesis-mock, read back shard by shard and de-aggregated with
 * KCL's own code using each shard's hash range, as a KCL worker does.
 */
class AggregatingProducerIT {

    private static LocalAws aws;
    private static AwsClients clients;

    @BeforeAll
    static void start() {
        aws = Sandbox.start(SandboxConfig.builder().backend(Backend.EMULATORS).build());
        clients = new AwsClients(aws.awsConfig());
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void everyEventArrivesOnceOnItsKeysShardInOrder() throws Exception {
        String stream = "aggregation-it-" + UUID.randomUUID().toString().substring(0, 8);
        aws.createStream(stream, 3);
        int events = 6_000;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        // Unordered aggregates and one request in flight: Kinesis orders records of one shard only within a request
        // and across sequential ones, so concurrent PutRecords calls may interleave a key's aggregates (seen here with
        // 16 in flight); without retries, one request at a time keeps them in order.
        AggregatingProducer producer = AggregatingProducer.wrap(
                KinesisBatchProducer.create(clients, ProducerConfig.builder(stream).maxInFlightRequests(1).build()),
                AggregationConfig.builder().hashBuckets(8).maxRecordBytes(16 * 1024).orderedPerBucket(false).build());
        long retries;
        try (producer) {
            send(producer, events, futures);
            producer.flush();
            assertThat(producer.metrics().recordsAcknowledged()).isEqualTo(events);
            assertThat(producer.kinesisRecords()).isLessThan(events / 40);
            retries = producer.metrics().recordRetries();
        }
        // A retried aggregate may land after later ones (and twice): order is only promised without retries here.
        assertThat(retries).as("PutRecords retries (the emulator should need none)").isZero();
        assertExactlyOnceInOrder(stream, events, futures);
    }

    /**
     * The default, one aggregate per bucket with the Kinesis producer at a time, keeps every key in order with 16
     * requests in flight even when every third PutRecords call fails and is retried (its aggregates would otherwise
     * land after later ones of their key).
     */
    @Test
    void orderedPerBucketKeepsKeyOrderWithManyRequestsInFlightAndRetries() throws Exception {
        String stream = "aggregation-it-" + UUID.randomUUID().toString().substring(0, 8);
        aws.createStream(stream, 3);
        int events = 6_000;
        AtomicInteger calls = new AtomicInteger();
        ExecutionInterceptor failEveryThirdCall = new ExecutionInterceptor() {
            @Override
            public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutRecordsRequest && calls.getAndIncrement() % 3 == 1) {
                    throw SdkClientException.create("injected: connection reset before the request was sent");
                }
                return context.request();
            }
        };
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        long retries;
        try (KinesisAsyncClient client = clients.kinesisAsync(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                .addExecutionInterceptor(failEveryThirdCall));
             AggregatingProducer producer = AggregatingProducer.wrap(
                     KinesisBatchProducer.create(client, ProducerConfig.builder(stream).maxInFlightRequests(16)
                             .linger(Duration.ZERO).backoffBase(Duration.ofMillis(20)).build()),
                     AggregationConfig.builder().hashBuckets(8).maxRecordBytes(4 * 1024).build())) {
            send(producer, events, futures);
            producer.flush();
            assertThat(producer.metrics().recordsAcknowledged()).isEqualTo(events);
            retries = producer.metrics().recordRetries();
        }
        assertThat(retries).as("aggregates retried after injected failures").isPositive();
        assertExactlyOnceInOrder(stream, events, futures);
    }

    private static void send(AggregatingProducer producer, int events, List<CompletableFuture<PutResult>> futures)
            throws InterruptedException {
        for (int i = 0; i < events; i++) {
            String key = "user-" + (i % 97);
            futures.add(producer.send(key, (key + "|" + i).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * Reads every shard, de-aggregates with KCL's code and checks: each event once, on one shard per key, in send
     * order per key, at the shard, sequence and sub-sequence number its future reported.
     */
    private static void assertExactlyOnceInOrder(String stream, int events, List<CompletableFuture<PutResult>> futures) {
        Map<String, Integer> eventAt = new HashMap<>();
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i)).isCompleted().isNotCompletedExceptionally();
            PutResult r = futures.get(i).join();
            assertThat(eventAt.put(r.shardId() + "/" + r.sequenceNumber() + "/" + r.subSequenceNumber(), i))
                    .as("two events reported at one position").isNull();
        }
        Map<String, List<Integer>> seenPerKey = new HashMap<>();
        Map<String, String> shardOfKey = new HashMap<>();
        int total = 0;
        try (KinesisAsyncClient kinesis = clients.kinesisAsync()) {
            for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).join().shards()) {
                List<KinesisClientRecord> read = new ArrayList<>();
                String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
                while (iterator != null) {
                    String it = iterator;
                    GetRecordsResponse response = kinesis.getRecords(r -> r.shardIterator(it).limit(10_000)).join();
                    response.records().forEach(r -> read.add(KinesisClientRecord.fromRecord(r)));
                    iterator = response.records().isEmpty() ? null : response.nextShardIterator();
                }
                // KCL drops a whole aggregate if any member is outside the shard's range: nothing may be dropped here.
                List<KinesisClientRecord> users = new AggregatorUtil().deaggregate(read,
                        shard.hashKeyRange().startingHashKey(), shard.hashKeyRange().endingHashKey());
                for (KinesisClientRecord user : users) {
                    String[] parts = StandardCharsets.UTF_8.decode(user.data()).toString().split("\\|");
                    assertThat(user.partitionKey()).isEqualTo(parts[0]);
                    int index = Integer.parseInt(parts[1]);
                    seenPerKey.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(index);
                    assertThat(shardOfKey.putIfAbsent(parts[0], shard.shardId())).isIn(null, shard.shardId());
                    assertThat(eventAt.get(shard.shardId() + "/" + user.sequenceNumber() + "/"
                            + user.subSequenceNumber())).as("the event the producer reported at this position")
                            .isEqualTo(index);
                    total++;
                }
            }
        }
        assertThat(total).isEqualTo(events);
        for (int k = 0; k < 97; k++) {
            List<Integer> expected = new ArrayList<>();
            for (int i = k; i < events; i += 97) {
                expected.add(i);
            }
            assertThat(seenPerKey.get("user-" + k)).as("events of user-%d in shard order", k).isEqualTo(expected);
        }
    }
}
