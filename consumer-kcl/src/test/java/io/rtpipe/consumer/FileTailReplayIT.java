package io.rtpipe.consumer;

import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.Results;
import io.rtpipe.consumer.testing.TestEvents;
import io.rtpipe.producer.aggregation.AggregatingProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.source.FileTailSource;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file tail through the aggregating producer (as {@code rtpipe produce --source file:} runs it) into a 2-shard
 * stream, with a crash replayed: the tail's state file is set back to a position saved earlier, as if the process had
 * died after Kinesis acknowledged a run's lines but before it wrote their position, so the next run sends those lines
 * again. The consumer (KCL, drained at the end) counts every line once: the stream and the raw archive hold the
 * copies, the merged per-type per-minute counts equal the test's own count of the file's lines. The lines carry no
 * event id of their own; the file tail's position-derived ids are what the consumer's de-duplication drops copies by.
 * Partition keys are the event ids, as {@code rtpipe produce --source file:} sets them: de-duplication is per shard,
 * so a copy must reach its original's shard (with random keys about half the copies were counted twice).
 */
@ExtendWith(SandboxExtension.class)
class FileTailReplayIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void linesSentAgainAfterACrashAreCountedOnce(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            // One minute of event time: every copy belongs to a window still open when it arrives (never late), so
            // only de-duplication can keep it from being counted twice.
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofSeconds(50), 1500, 5);
            Path log = dir.resolve("app.log");
            Path state = dir.resolve("app.log.rtpipe-offset");
            Path saved = dir.resolve("saved-state");
            Files.createFile(log);

            append(log, events.subList(0, 600));
            assertThat(tail(fx, log, state, 600)).isEqualTo(600);
            Files.copy(state, saved);
            append(log, events.subList(600, 1200));
            assertThat(tail(fx, log, state, 600)).isEqualTo(600);
            // The crash: the state writes of the second run never happened.
            Files.copy(saved, state, StandardCopyOption.REPLACE_EXISTING);
            append(log, events.subList(1200, 1500));
            assertThat(tail(fx, log, state, 900)).as("lines 600..1500, the first 600 of them again").isEqualTo(900);

            var consumer = fx.consumer(fx.config().build());
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(90))).isTrue();
            assertThat(consumer.drainAndStop(Duration.ofSeconds(20))).isTrue();

            assertThat(fx.archive(IntervalKind.RAW)).as("records in the stream, copies included").hasSize(1500 + 600);
            assertThat(fx.archive(IntervalKind.LATE)).isEmpty();
            assertThat(fx.archive(IntervalKind.DEADLETTER)).isEmpty();
            assertThat(Results.countsPerMinute(fx, T0.minusSeconds(3600), T0.plusSeconds(3600)))
                    .isEqualTo(TestEvents.countsPerMinute(events));
            System.out.println("file tail replay: 1500 lines, 600 sent twice, counted once: "
                    + consumer.stats().progressLine());
        }
    }

    private static void append(Path log, List<TestEvents.Event> events) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (TestEvents.Event event : events) {
            lines.append(new String(event.json(), java.nio.charset.StandardCharsets.UTF_8)).append('\n');
        }
        Files.writeString(log, lines, StandardOpenOption.APPEND);
    }

    /** One run of the file tail until {@code lines} lines were acknowledged; returns how many it delivered. */
    private static long tail(ConsumerFixture fx, Path log, Path state, long lines) throws Exception {
        FileTailSource source = FileTailSource.builder(log, state).pollInterval(Duration.ofMillis(20)).build();
        try (var producer = AggregatingProducer.wrap(
                KinesisBatchProducer.create(fx.clients,
                        ProducerConfig.builder(fx.stream).partitionKeyField("event_id").build()),
                AggregationConfig.builder().hashBuckets(4).build())) {
            long[] delivered = new long[1];
            Thread run = new Thread(() -> {
                try {
                    delivered[0] = source.run(producer::send);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "file-tail");
            run.start();
            ConsumerFixture.await(Duration.ofSeconds(60), () -> producer.metrics().recordsAcknowledged() >= lines,
                    lines + " lines acknowledged");
            source.close();
            run.join(30_000);
            assertThat(run.isAlive()).isFalse();
            assertThat(producer.metrics().recordsFailed()).isZero();
            return delivered[0];
        }
    }
}
