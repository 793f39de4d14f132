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

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events of one minute, then silence: with the idle watermark each shard closes the minute on its own, without a
 * drain or a later event; without it the window stays open (the behaviour before: a quiet shard never wrote it). And
 * a consumer idle on an empty stream takes no start, so a backfill of old events produced later counts in full.
 */
@ExtendWith(SandboxExtension.class)
class IdleShardIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final Duration IDLE = Duration.ofSeconds(2);

    @Test
    void quietShardsWriteTheirOpenWindowSoonAfterTheIdleTime(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofSeconds(50), 300, 11);
            fx.put(TestEvents.payloads(events));

            var consumer = fx.consumer(fx.config().idleWatermarkAfter(IDLE).build());
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
            Duration closed = ConsumerFixture.await(Duration.ofSeconds(30), () -> Results.countsPerMinute(fx, T0,
                    T0.plusSeconds(120)).equals(TestEvents.countsPerMinute(events)), "the minute written in full");
            System.out.printf("idle watermark %s: the minute was written %d ms after the consumer caught up%n", IDLE,
                    closed.toMillis());
        }
    }

    @Test
    void aBackfillProducedAfterTheConsumerIdledOnAnEmptyStreamIsCountedInFull(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            var consumer = fx.consumer(fx.config().idleWatermarkAfter(Duration.ofSeconds(1)).build());
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
            Thread.sleep(5_000); // several idle periods on both empty shards

            Instant dayAgo = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
            List<TestEvents.Event> events = TestEvents.generate(dayAgo, Duration.ofMinutes(2), 400, 13);
            var puts = fx.put(TestEvents.payloads(events));
            assertThat(puts.stream().map(StreamFeeder.Put::shardId).distinct()).as("both shards take events")
                    .hasSize(2);

            ConsumerFixture.await(Duration.ofSeconds(60), () -> Results.countsPerMinute(fx, dayAgo,
                    dayAgo.plusSeconds(600)).equals(TestEvents.countsPerMinute(events)), "every event counted");
            ConsumerFixture.await(Duration.ofSeconds(30), () -> fx.archive(IntervalKind.RAW).size() == events.size(),
                    "every record checkpointed");
            assertThat(fx.archive(IntervalKind.LATE)).as("none late").isEmpty();
            assertThat(consumer.stats().lateRecords()).isZero();
        }
    }

    @Test
    void withoutTheIdleWatermarkTheWindowStaysOpen(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 1)) {
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofSeconds(50), 100, 12);
            fx.put(TestEvents.payloads(events));

            var consumer = fx.consumer(fx.config().idleWatermarkAfter(Duration.ZERO).build());
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
            Thread.sleep(IDLE.multipliedBy(4).toMillis());
            assertThat(Results.countsPerMinute(fx, T0, T0.plusSeconds(120))).isEmpty();
        }
    }
}
