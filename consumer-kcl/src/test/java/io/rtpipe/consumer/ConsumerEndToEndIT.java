package io.rtpipe.consumer;

import io.rtpipe.contract.Tables;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.s3.IntervalReader;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.rtpipe.consumer.testing.TestEvents.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated events through a 2-shard stream and one consumer, drained at the end; results, archive and dead letters
 * compared with what the test itself put.
 */
@ExtendWith(SandboxExtension.class)
class ConsumerEndToEndIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

    private static String position(StreamFeeder.Put put) {
        return put.shardId() + "/" + put.sequenceNumber();
    }

    private static String position(IntervalLines.Line line) {
        return line.shardId() + "/" + line.sequenceNumber();
    }

    @Test
    void countsPerTypeAndMinuteEqualGroundTruthAndArchiveHoldsEveryRecordOnce(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofMinutes(6), 3000, 42);
            List<StreamFeeder.Put> puts = fx.put(TestEvents.payloads(events));

            var consumer = fx.consumer(fx.config().build());
            long started = System.nanoTime();
            consumer.start();
            assertThat(consumer.awaitReady(Duration.ofSeconds(30))).isTrue();
            long ready = System.nanoTime();
            ConsumerFixture.await(Duration.ofSeconds(30), () -> consumer.stats().recordsConsumed() > 0, "a record");
            System.out.printf("start() to first lease %d ms, to first record %d ms%n", (ready - started) / 1_000_000,
                    (System.nanoTime() - started) / 1_000_000);
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
            System.out.printf("all %d records consumed %d ms after start(): %s%n", puts.size(),
                    (System.nanoTime() - started) / 1_000_000, consumer.stats().progressLine());
            assertThat(consumer.drainAndStop(Duration.ofSeconds(20))).isTrue();

            assertThat(Results.countsPerMinute(fx, T0.minusSeconds(3600), T0.plusSeconds(3600)))
                    .isEqualTo(TestEvents.countsPerMinute(events));
            assertThat(fx.archive(IntervalKind.RAW)).map(ConsumerEndToEndIT::position)
                    .containsExactlyInAnyOrderElementsOf(puts.stream().map(ConsumerEndToEndIT::position).toList());
            assertThat(fx.archive(IntervalKind.DEADLETTER)).isEmpty();
            assertThat(fx.archive(IntervalKind.LATE)).isEmpty();
        }
    }

    @Test
    void malformedRecordsGoToDeadLettersWithReasonsAreNotCountedAndDoNotStallTheShard(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofMinutes(3), 600, 3);
            List<byte[]> malformed = List.of(
                    utf8("{\"type\":\"click\",\"ts\":"),                  // truncated JSON
                    utf8("not json at all"),
                    utf8("{\"type\":\"click\"}"),                         // no ts
                    utf8("{\"type\":\"click\",\"ts\":\"yesterday\"}"),    // ts not a number
                    utf8("{\"type\":42,\"ts\":" + T0.toEpochMilli() + "}"), // type not a string
                    utf8("[1,2,3]"),
                    new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});     // not even UTF-8
            // Malformed records interleaved through the whole input, valid events after each of them.
            List<byte[]> payloads = new ArrayList<>();
            List<Boolean> isMalformed = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (i % 20 == 5) {
                    payloads.add(malformed.get((i / 20) % malformed.size()));
                    isMalformed.add(true);
                }
                payloads.add(events.get(i).json());
                isMalformed.add(false);
            }
            List<StreamFeeder.Put> puts = fx.put(payloads);

            ConsumerConfig config = fx.config().resultRetention(Duration.ofDays(2)).build();
            var consumer = fx.consumer(config);
            consumer.start();
            assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
            assertThat(consumer.drainAndStop(Duration.ofSeconds(20))).isTrue();

            // Every result item expires (the table's TTL) 2 days after its one-minute window ends; the window start
            // is the sort key's first part. Fired-through marks carry no expiry (Tables.RESULTS_MARK_SORT_KEY_PREFIX).
            try (var dynamoDb = fx.clients.dynamoDb()) {
                var items = dynamoDb.scanPaginator(b -> b.tableName(config.resultsTableName())).items().stream()
                        .filter(item -> !item.get("sk").s().startsWith(Tables.RESULTS_MARK_SORT_KEY_PREFIX))
                        .toList();
                assertThat(items).isNotEmpty().allSatisfy(item -> assertThat(Long.parseLong(item.get("expiresAt").n()))
                        .isEqualTo(Instant.parse(item.get("sk").s().substring(0, 24)).plus(Duration.ofMinutes(1))
                                .plus(Duration.ofDays(2)).getEpochSecond()));
            }

            List<String> expectedDead = new ArrayList<>();
            for (int i = 0; i < puts.size(); i++) {
                if (isMalformed.get(i)) {
                    expectedDead.add(position(puts.get(i)));
                }
            }
            List<IntervalLines.Line> dead = fx.archive(IntervalKind.DEADLETTER);
            assertThat(dead).map(ConsumerEndToEndIT::position).containsExactlyInAnyOrderElementsOf(expectedDead);
            assertThat(dead).allSatisfy(line -> assertThat(line.reason()).isNotBlank());
            Map<String, String> reasons = dead.stream().collect(Collectors.toMap(
                    ConsumerEndToEndIT::position, line -> line.reason()));
            System.out.println("dead-letter reasons: " + new java.util.TreeSet<>(reasons.values()));
            assertThat(Results.countsPerMinute(fx, T0.minusSeconds(3600), T0.plusSeconds(3600)))
                    .isEqualTo(TestEvents.countsPerMinute(events));
            assertThat(fx.archive(IntervalKind.RAW)).hasSize(puts.size());
        }
    }
}
