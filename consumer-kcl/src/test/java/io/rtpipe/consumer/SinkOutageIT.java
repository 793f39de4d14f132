package io.rtpipe.consumer;

import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.Results;
import io.rtpipe.consumer.testing.StreamFeeder;
import io.rtpipe.consumer.testing.TestEvents;
import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.RequiresBackend;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 goes down while records arrive: the consumer keeps consuming, never checkpoints past what is not durable, and
 * once S3 is back it writes everything and ends with exact results and an exactly-once archive.
 */
@ExtendWith(SandboxExtension.class)
@RequiresBackend(value = Backend.EMULATORS, reason = "stops and restarts the S3 emulator")
class SinkOutageIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    @Test
    void noCheckpointWhileS3IsDownAndNothingLostAfterItReturns(LocalAws aws) throws Exception {
        var faults = aws.faults().orElseThrow();
        try (var fx = new ConsumerFixture(aws, 2)) {
            var consumer = fx.consumer(fx.config()
                    .sinkRetry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20))).build());
            consumer.start();
            assertThat(consumer.awaitReady(Duration.ofSeconds(30))).isTrue();
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofMinutes(3), 600, 11);
            List<StreamFeeder.Put> puts;
            faults.stopS3();
            try {
                long checkpointsBefore = consumer.stats().checkpoints();
                puts = fx.put(TestEvents.payloads(events));
                assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
                Thread.sleep(1500); // three checkpoint intervals, each failing to write its interval objects
                assertThat(consumer.stats().checkpoints()).isEqualTo(checkpointsBefore);
                assertThat(consumer.stats().uncheckpointedRecords()).isEqualTo(events.size());
            } finally {
                faults.startS3();
            }
            ConsumerFixture.await(Duration.ofSeconds(30), () -> consumer.stats().checkpoints() > 0,
                    "a checkpoint once S3 is back");
            assertThat(consumer.drainAndStop(Duration.ofSeconds(20))).isTrue();

            assertThat(Results.countsPerMinute(fx, T0, T0.plusSeconds(600)))
                    .isEqualTo(TestEvents.countsPerMinute(events));
            assertThat(fx.archive(IntervalKind.RAW)).map(line -> line.shardId() + "/" + line.sequenceNumber())
                    .containsExactlyInAnyOrderElementsOf(puts.stream().map(p -> p.shardId() + "/" + p.sequenceNumber())
                            .toList());
        }
    }
}
