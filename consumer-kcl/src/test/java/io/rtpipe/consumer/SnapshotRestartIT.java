package io.rtpipe.consumer;

import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.S3SnapshotStore;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.StreamFeeder;
import io.rtpipe.consumer.testing.TestEvents;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1 h tumbling window stays open across a worker's abrupt stop: the checkpoint still moves to the last record
 * (its open state is a snapshot object in the bucket), so the next worker resumes from the snapshot instead of
 * replaying the hour, and the hour's merged counts equal the test's own.
 */
@ExtendWith(SandboxExtension.class)
class SnapshotRestartIT {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final EngineConfig HOURLY = EngineConfig.builder().metric(MetricSpec.builder("per_hour")
            .groupBy("type").windows(TumblingWindows.of(Duration.ofHours(1))).build()).build();

    @Test
    void aRestartResumesTheOpenHourFromItsSnapshot(LocalAws aws) throws Exception {
        try (var fx = new ConsumerFixture(aws, 2)) {
            // Ten minutes of events, all in the hour [12:00, 13:00), which no event closes.
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofMinutes(10), 1200, 11);
            List<StreamFeeder.Put> puts = new ArrayList<>(fx.put(TestEvents.payloads(events.subList(0, 600))));

            var first = fx.consumer(fx.config().engine(HOURLY).build());
            first.start();
            assertThat(first.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
            // With the replay rule the open hour would hold every record uncheckpointed.
            ConsumerFixture.await(Duration.ofSeconds(20), () -> first.stats().recordsConsumed() == 600
                    && first.stats().uncheckpointedRecords() == 0, "a checkpoint at the last record");
            first.shutdownNow();
            List<String> snapshots = fx.s3.listObjectsV2Paginator(b -> b.bucket(fx.bucket)
                    .prefix(S3SnapshotStore.PREFIX + "/" + fx.stream + "/")).contents().stream()
                    .map(o -> o.key()).toList();
            System.out.println("snapshot objects after the first worker: " + snapshots);
            assertThat(snapshots).isNotEmpty().allMatch(key -> key.endsWith(".bin"));

            puts.addAll(fx.put(TestEvents.payloads(events.subList(600, events.size()))));
            var second = fx.consumer(fx.config().engine(HOURLY).build());
            second.start();
            assertThat(second.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
            ConsumerFixture.await(Duration.ofSeconds(20), () -> second.stats().recordsConsumed() == 600,
                    "the second worker's records");
            assertThat(second.stats().recordsConsumed()).as("only the records after the checkpoint").isEqualTo(600);
            assertThat(second.drainAndStop(Duration.ofSeconds(20))).isTrue();

            List<String> archived = fx.archive(IntervalKind.RAW).stream()
                    .map(l -> l.shardId() + "/" + l.sequenceNumber()).toList();
            assertThat(archived).containsExactlyInAnyOrderElementsOf(
                    puts.stream().map(p -> p.shardId() + "/" + p.sequenceNumber()).toList());
            Map<String, Long> expected = new TreeMap<>();
            events.forEach(e -> expected.merge(e.type(), 1L, Long::sum));
            Map<String, Long> actual = new TreeMap<>();
            try (var dynamoDb = fx.clients.dynamoDb()) {
                var query = new ResultsQuery(dynamoDb, fx.s3, fx.application + "-results");
                for (MergedResult result : query.merged(HOURLY, "per_hour", T0, T0.plusSeconds(3600), Map.of())) {
                    actual.put(result.key().get("type"), ((Number) result.values().get("count")).longValue());
                }
            }
            assertThat(actual).isEqualTo(expected);
        }
    }
}
