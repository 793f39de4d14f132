package io.rtpipe.consumer;

import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.Results;
import io.rtpipe.consumer.testing.StreamFeeder;
import io.rtpipe.consumer.testing.TestEvents;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream is resharded 2 → 4 → 2 while a consumer runs and events keep arriving: every parent shard is read to
 * its end and every child from its start, so the merged results equal the ground truth and the raw archive holds
 * every record of every shard (closed ones included, read back from the stream itself) exactly once.
 */
@ExtendWith(SandboxExtension.class)
class ReshardIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final int CHUNKS = 24;

    @Test
    void reshardingWhileConsumingLosesNoEventAndCountsNoneTwice(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            var consumer = fx.consumer(fx.config().build());
            long started = System.nanoTime();
            consumer.start();
            assertThat(consumer.awaitReady(Duration.ofSeconds(30))).isTrue();

            // 4 minutes of event time, put in 24 chunks with pauses, so the consumer reads while the stream reshards.
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofMinutes(4), 2400, 23);
            int chunkSize = events.size() / CHUNKS;
            List<StreamFeeder.Put> puts = new ArrayList<>();
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                if (chunk == CHUNKS / 3) {
                    reshard(fx, 4);
                } else if (chunk == 2 * CHUNKS / 3) {
                    reshard(fx, 2);
                }
                puts.addAll(fx.put(TestEvents.payloads(events.subList(chunk * chunkSize, (chunk + 1) * chunkSize))));
                Thread.sleep(250);
            }
            Instant allPut = Instant.now();
            System.out.printf("produced %d events over %d ms across shards %s%n", puts.size(),
                    (System.nanoTime() - started) / 1_000_000,
                    puts.stream().map(StreamFeeder.Put::shardId).distinct().sorted().toList());

            assertThat(consumer.awaitCaughtUp(allPut, Duration.ofSeconds(60))).isTrue();
            System.out.printf("caught up %d ms after start(): %s%n", (System.nanoTime() - started) / 1_000_000,
                    consumer.stats().progressLine());
            long drainStart = System.nanoTime();
            boolean graceful = consumer.drainAndStop(Duration.ofSeconds(20));
            System.out.printf("drainAndStop after the reshards: graceful=%s in %d ms%n", graceful,
                    (System.nanoTime() - drainStart) / 1_000_000);
            assertThat(graceful).isTrue();

            List<String> inStream = everyRecordOfEveryShard(fx.kinesis, fx.stream);
            assertThat(inStream).containsExactlyInAnyOrderElementsOf(
                    puts.stream().map(p -> p.shardId() + "/" + p.sequenceNumber()).toList());
            assertThat(fx.archive(IntervalKind.RAW)).map(l -> l.shardId() + "/" + l.sequenceNumber())
                    .containsExactlyInAnyOrderElementsOf(inStream);
            assertThat(fx.archive(IntervalKind.LATE)).isEmpty();
            assertThat(fx.archive(IntervalKind.DEADLETTER)).isEmpty();
            assertThat(Results.countsPerMinute(fx, T0.minusSeconds(3600), T0.plusSeconds(3600)))
                    .isEqualTo(TestEvents.countsPerMinute(events));
        }
    }

    /** UpdateShardCount, then waits (polling every 50 ms) until the stream is ACTIVE with the new open shards. */
    private static void reshard(ConsumerFixture fx, int target) throws InterruptedException {
        fx.kinesis.updateShardCount(b -> b.streamName(fx.stream).targetShardCount(target)
                .scalingType(ScalingType.UNIFORM_SCALING)).join();
        ConsumerFixture.await(Duration.ofSeconds(10), () -> {
            var summary = fx.kinesis.describeStreamSummary(b -> b.streamName(fx.stream)).join()
                    .streamDescriptionSummary();
            return summary.streamStatus() == StreamStatus.ACTIVE && summary.openShardCount() == target;
        }, "the stream ACTIVE with " + target + " open shards");
    }

    /** "shardId/sequenceNumber" of every record in the stream, closed shards included, read with GetRecords. */
    private static List<String> everyRecordOfEveryShard(KinesisAsyncClient kinesis, String stream) {
        List<String> positions = new ArrayList<>();
        List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).join().shards();
        assertThat(shards).as("2 original + 4 split + 2 merged shards").hasSize(8);
        for (Shard shard : shards) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000)).join();
                for (Record record : response.records()) {
                    positions.add(shard.shardId() + "/" + record.sequenceNumber());
                }
                boolean atOpenTip = response.records().isEmpty() && response.millisBehindLatest() == 0;
                iterator = atOpenTip ? null : response.nextShardIterator();
            }
        }
        return positions;
    }
}
