package io.rtpipe.consumer;

import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.Results;
import io.rtpipe.consumer.testing.TestEvents;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.aggregation.AggregatingProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KPL-format aggregated records (hundreds of events per Kinesis record, from rtpipe's AggregatingProducer) into a
 * 2-shard stream. A first worker checkpoints in the middle of aggregated records (its lease-table checkpoints carry a
 * sub-sequence number above 0) and is stopped abruptly, without a final checkpoint; a second worker resumes inside
 * those aggregates. Every event is counted exactly once: merged per-type per-minute counts equal the test's own
 * count, and the raw archive holds every user record once, keyed by shard, sequence and sub-sequence number as the
 * producer reported them.
 */
@ExtendWith(SandboxExtension.class)
class AggregatedRecordsIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void aggregatedEventsAreCountedOnceAcrossARestartInsideAnAggregate(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            // 7 minutes of events; the first worker sees 3.5 minutes, so a window is open when it stops.
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofSeconds(420), 8000, 11);
            List<PutResult> puts = new ArrayList<>();
            int half = events.size() / 2;
            // Two buckets for two shards: each bucket's aggregates land on one shard, in send (= event time) order.
            AggregationConfig aggregation = AggregationConfig.builder().hashBuckets(2)
                    .build();
            try (var producer = AggregatingProducer.wrap(
                    KinesisBatchProducer.create(fx.clients, ProducerConfig.builder(fx.stream).build()), aggregation)) {
                puts.addAll(send(producer, events.subList(0, half)));
                long perRecord = half / producer.kinesisRecords();
                System.out.printf("first half: %d events in %d Kinesis records (%d per record)%n", half,
                        producer.kinesisRecords(), perRecord);
                assertThat(perRecord).as("events per Kinesis record").isGreaterThanOrEqualTo(200);

                var first = fx.consumer(fx.config().build());
                first.start();
                assertThat(first.awaitCaughtUp(Instant.now(), Duration.ofSeconds(90))).isTrue();
                ConsumerFixture.await(Duration.ofSeconds(20), () -> first.stats().checkpoints() >= 2
                        && leaseCheckpoints(fx).values().stream().anyMatch(sub -> sub > 0),
                        "a checkpoint at a user record inside an aggregated record");
                Map<String, Long> subSequences = leaseCheckpoints(fx);
                System.out.println("first worker before abrupt stop: " + first.stats().progressLine()
                        + "; lease-table checkpoint sub-sequence numbers " + subSequences);
                first.shutdownNow();

                puts.addAll(send(producer, events.subList(half, events.size())));
            }
            var second = fx.consumer(fx.config().build());
            second.start();
            assertThat(second.awaitCaughtUp(Instant.now(), Duration.ofSeconds(90))).isTrue();
            assertThat(second.drainAndStop(Duration.ofSeconds(20))).isTrue();

            List<String> archived = new ArrayList<>();
            for (IntervalLines.Line line : fx.archive(IntervalKind.RAW)) {
                archived.add(line.shardId() + "/" + line.sequenceNumber() + "/" + line.subSequenceNumber());
            }
            assertThat(archived).as("every user record archived once at the position the producer reported")
                    .containsExactlyInAnyOrderElementsOf(puts.stream()
                            .map(p -> p.shardId() + "/" + p.sequenceNumber() + "/" + p.subSequenceNumber()).toList());
            assertThat(Results.countsPerMinute(fx, T0, T0.plusSeconds(600)))
                    .isEqualTo(TestEvents.countsPerMinute(events));
        }
    }

    private static List<PutResult> send(AggregatingProducer producer, List<TestEvents.Event> events)
            throws Exception {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (byte[] payload : TestEvents.payloads(events)) {
            futures.add(producer.send(payload));
        }
        producer.flush();
        List<PutResult> results = new ArrayList<>();
        for (CompletableFuture<PutResult> f : futures) {
            results.add(f.join());
        }
        assertThat(producer.metrics().recordRetries()).as("retries (a retry could duplicate or reorder)").isZero();
        return results;
    }

    /** Per shard, the sub-sequence number of its KCL checkpoint in the lease table (shards not yet checkpointed absent). */
    private static Map<String, Long> leaseCheckpoints(ConsumerFixture fx) {
        Map<String, Long> subSequences = new HashMap<>();
        try (var dynamoDb = fx.clients.dynamoDb()) {
            for (Map<String, AttributeValue> lease : dynamoDb.scan(b -> b.tableName(fx.application)).items()) {
                AttributeValue checkpoint = lease.get("checkpoint");
                AttributeValue sub = lease.get("checkpointSubSequenceNumber");
                if (checkpoint != null && checkpoint.s() != null && checkpoint.s().matches("\\d+") && sub != null) {
                    subSequences.put(lease.get("leaseKey").s(), Long.parseLong(sub.n()));
                }
            }
        }
        return subSequences;
    }
}
