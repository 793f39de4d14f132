package io.rtpipe.producer.aggregation;

import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.testing.StreamContents;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Aggregated records through the real producer into the sandbox's Kinesis (kinesis-mock by default), read back shard
 * by shard and de-aggregated with KCL's own code using each shard's hash range, as a KCL worker does.
 */
@ExtendWith(SandboxExtension.class)
class AggregatingProducerIT {

    @Test
    void everyEventArrivesOnceOnItsKeysShardInOrder(LocalAws aws) throws Exception {
        String stream = unique("aggregation-it");
        aws.createStream(stream, 3);
        int events = 6_000;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        // Unordered aggregates and one request in flight: Kinesis orders records of one shard only within a request
        // and across sequential ones, so concurrent PutRecords calls may interleave a key's aggregates (seen here with
        // 16 in flight); without retries, one request at a time keeps them in order.
        AggregatingProducer producer = AggregatingProducer.wrap(
                KinesisBatchProducer.create(aws.clients(),
                        ProducerConfig.builder(stream).maxInFlightRequests(1).build()),
                AggregationConfig.builder().hashBuckets(8).maxRecordBytes(16 * 1024).orderedPerLane(false).build());
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
        assertExactlyOnceInOrder(aws, stream, events, futures);
    }

    /**
     * The default, one aggregate per bucket with the Kinesis producer at a time, keeps every key in order with 16
     * requests in flight even when every third PutRecords call fails and is retried (its aggregates would otherwise
     * land after later ones of their key).
     */
    @Test
    void orderedPerBucketKeepsKeyOrderWithManyRequestsInFlightAndRetries(LocalAws aws) throws Exception {
        String stream = unique("aggregation-it");
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
        try (KinesisAsyncClient client = aws.clients().kinesisAsync(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
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
        assertExactlyOnceInOrder(aws, stream, events, futures);
    }

    /**
     * The default lanes, one per shard, with 16 requests in flight: every shard holds its events in send order, also
     * when the stream is split from 2 to 4 shards midway (the producer notices an aggregate landing on a child, lists
     * the shards again and moves to four lanes); then merged back to 2, after which only the merged shards may hold
     * their parents' last aggregates interleaved. Every event is in the stream once, none dropped by KCL's range check.
     */
    @Test
    void shardLanesKeepEveryShardInSendOrderAcrossASplit(LocalAws aws) throws Exception {
        String stream = unique("lanes-it");
        aws.createStream(stream, 2);
        int events = 8_000;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        try (KinesisAsyncClient kinesis = aws.clients().kinesisAsync();
             AggregatingProducer producer = AggregatingProducer.wrap(
                     KinesisBatchProducer.create(aws.clients(), ProducerConfig.builder(stream).build()),
                     AggregationConfig.builder().maxRecordBytes(4 * 1024).build())) {
            assertThat(producer.laneCount()).isEqualTo(2);
            for (int i = 0; i < events; i++) {
                if (i == events / 2) {
                    producer.flush();
                    reshard(kinesis, stream, 4);
                }
                if (i == events * 3 / 4) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> producer.laneCount() == 4);
                    assertThat(producer.laneCount()).as("lanes after the split").isEqualTo(4);
                    reshard(kinesis, stream, 2);
                }
                String key = "event-" + i;
                futures.add(producer.send(key, (key + "|" + i).getBytes(StandardCharsets.UTF_8)));
                if (i > events / 2 && i % 50 == 0) {
                    Thread.sleep(5); // let aggregates land on the children while events keep coming
                }
            }
            producer.flush();
            assertThat(producer.metrics().recordsAcknowledged()).isEqualTo(events);
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.laneCount() == 2);
            Set<String> merged = kinesis.listShards(b -> b.streamName(stream)).join().shards().stream()
                    .filter(shard -> shard.adjacentParentShardId() != null).map(Shard::shardId)
                    .collect(Collectors.toSet());
            assertThat(merged).hasSize(2);
            List<Integer> all = new ArrayList<>();
            for (StreamContents.ShardContents shard : StreamContents.read(kinesis, stream)) {
                List<Integer> order = new ArrayList<>();
                for (KinesisClientRecord user : shard.userRecords()) {
                    String data = StandardCharsets.UTF_8.decode(user.data()).toString();
                    order.add(Integer.parseInt(data.substring(data.indexOf('|') + 1)));
                }
                if (!merged.contains(shard.shardId())) {
                    assertThat(order).as("shard %s in send order", shard.shardId()).isSorted();
                }
                all.addAll(order);
            }
            assertThat(all).as("every event once").containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, events).boxed().toList());
        }
    }

    private static void reshard(KinesisAsyncClient kinesis, String stream, int shards) throws InterruptedException {
        kinesis.updateShardCount(b -> b.streamName(stream).targetShardCount(shards)
                .scalingType(ScalingType.UNIFORM_SCALING)).join();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (kinesis.describeStreamSummary(b -> b.streamName(stream)).join().streamDescriptionSummary()
                .streamStatus() != StreamStatus.ACTIVE) {
            assertThat(System.nanoTime()).as("stream ACTIVE within 60 s of UpdateShardCount").isLessThan(deadline);
            Thread.sleep(100);
        }
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
    private static void assertExactlyOnceInOrder(LocalAws aws, String stream, int events,
                                                 List<CompletableFuture<PutResult>> futures) {
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
        try (KinesisAsyncClient kinesis = aws.clients().kinesisAsync()) {
            // Nothing may be missing, including whole aggregates KCL would drop for a member outside the shard's range.
            for (StreamContents.ShardContents shard : StreamContents.read(kinesis, stream)) {
                for (KinesisClientRecord user : shard.userRecords()) {
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
