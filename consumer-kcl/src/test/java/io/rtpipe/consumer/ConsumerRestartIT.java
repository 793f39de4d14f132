package io.rtpipe.consumer;

import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.Results;
import io.rtpipe.consumer.testing.StreamFeeder;
import io.rtpipe.consumer.testing.TestEvents;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker stops mid-stream, in the middle of an open window, and a new worker takes over: the final merged
 * results equal the ground truth and the raw archive holds every record exactly once, whether the first worker
 * handed off gracefully or was shut down abruptly without a final checkpoint.
 */
@ExtendWith(SandboxExtension.class)
class ConsumerRestartIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"graceful", "abrupt"})
    void newWorkerContinuesExactlyWhereTheOldOneLeftOff(String stop, LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            // 7 minutes of events; the first worker sees 3.5 minutes of them, so minute 3 is open when it stops.
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofSeconds(420), 1400, 7);
            List<TestEvents.Event> firstHalf = events.subList(0, 700);
            List<TestEvents.Event> secondHalf = events.subList(700, events.size());
            List<StreamFeeder.Put> puts = new ArrayList<>(fx.put(TestEvents.payloads(firstHalf)));

            var first = fx.consumer(fx.config().build());
            first.start();
            Instant firstPutsDone = Instant.now();
            assertThat(first.awaitCaughtUp(firstPutsDone, Duration.ofSeconds(60))).isTrue();
            // Minute 3's state is in the last checkpoint's snapshot: the new worker resumes it from there.
            ConsumerFixture.await(Duration.ofSeconds(10), () -> first.stats().checkpoints() >= 2,
                    "a checkpoint inside the open window");
            System.out.println("first worker before stop: " + first.stats().progressLine());
            if (stop.equals("graceful")) {
                assertThat(first.stopGracefully(Duration.ofSeconds(20))).isTrue();
            } else {
                first.shutdownNow();
            }

            puts.addAll(fx.put(TestEvents.payloads(secondHalf)));
            var second = fx.consumer(fx.config().build());
            second.start();
            Duration handOff = ConsumerFixture.await(Duration.ofSeconds(60),
                    () -> second.stats().recordsConsumed() > 0, "the new worker's first record");
            Duration allShards = handOff.plus(ConsumerFixture.await(Duration.ofSeconds(60),
                    () -> second.stats().shardsHeld() == 2, "the new worker holding both shards"));
            System.out.printf("hand-off after %s stop: new worker's first record %d ms, both shards %d ms after "
                    + "start()%n", stop, handOff.toMillis(), allShards.toMillis());
            Instant allPut = Instant.now();
            assertThat(second.awaitCaughtUp(allPut, Duration.ofSeconds(60))).isTrue();
            assertThat(second.drainAndStop(Duration.ofSeconds(20))).isTrue();

            List<String> archived = fx.archive(IntervalKind.RAW).stream()
                    .map(l -> l.shardId() + "/" + l.sequenceNumber()).toList();
            assertThat(archived).containsExactlyInAnyOrderElementsOf(
                    puts.stream().map(p -> p.shardId() + "/" + p.sequenceNumber()).toList());
            assertThat(Results.countsPerMinute(fx, T0, T0.plusSeconds(600)))
                    .isEqualTo(TestEvents.countsPerMinute(events));
        }
    }
}
