package io.rtpipe.core.publish;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FinalResultsPublisherTest {

    private static final MetricSpec METRIC = MetricSpec.eventsPerMinute();
    private static final EngineConfig ENGINE = EngineConfig.builder().metric(METRIC).build();

    private final List<MergedResult> stored = new ArrayList<>();
    private final Map<String, Long> marks = new HashMap<>();
    private final InMemoryCursors cursors = new InMemoryCursors();

    @Test
    void aShardWithoutAMarkHoldsEveryWindowBack() {
        store("2026-11-26T09:10:00Z", "click", 3);
        marks.put("shard-1", at("2026-11-26T12:00:00Z"));
        RecordingSink sink = new RecordingSink(true);

        FinalResultsPublisher.Round round = publisher(sink).publish();

        assertThat(round.published()).isEmpty();
        assertThat(sink.calls).isEmpty();
    }

    @Test
    void aSinkThatDoesNotTakeTheMetricIsNeverHandedItsRows() {
        store("2026-11-26T09:10:00Z", "click", 3);
        bothShardsFiredThrough("2026-11-26T12:00:00Z", "2026-11-26T12:00:00Z");
        RecordingSink other = new RecordingSink(false) {
            @Override
            public boolean takes(MetricSpec metric) {
                return false;
            }
        };

        FinalResultsPublisher.Round round = publisher(other).publish();

        assertThat(round.published()).isEmpty();
        assertThat(other.calls).isEmpty();
        assertThat(cursors.load(METRIC.name(), other.name())).as("no cursor kept for it").isEmpty();
    }

    @Test
    void anHourlySinkGetsEachWholeFinalHourOnce() {
        store("2026-11-26T09:10:00Z", "click", 3);
        store("2026-11-26T09:59:00Z", "view", 1);
        store("2026-11-26T10:05:00Z", "click", 2);
        store("2026-11-26T11:00:00Z", "click", 7);
        bothShardsFiredThrough("2026-11-26T11:00:00Z", "2026-11-26T12:15:00Z");
        RecordingSink hourly = new RecordingSink(true);
        RecordingSink all = new RecordingSink(false);
        FinalResultsPublisher publisher = publisher(hourly, all);

        publisher.publish();
        publisher.publish();

        // Final: windows ending by 11:00, i.e. starting before 10:59:00.001; the whole hours of those: 09 only.
        assertThat(hourly.calls).containsExactly(
                new Call(Instant.parse("2026-11-26T09:10:00Z"), Instant.parse("2026-11-26T10:00:00Z"),
                        List.of("09:10 click", "09:59 view")));
        assertThat(all.calls).containsExactly(
                new Call(Instant.parse("2026-11-26T09:10:00Z"), Instant.parse("2026-11-26T10:59:00.001Z"),
                        List.of("09:10 click", "09:59 view", "10:05 click")));
        assertThat(cursors.load(METRIC.name(), "hourly")).contains(Instant.parse("2026-11-26T10:00:00Z"));
    }

    @Test
    void aCrashBetweenPublishAndCursorPublishesTheSameRangeAgain() {
        store("2026-11-26T09:10:00Z", "click", 3);
        bothShardsFiredThrough("2026-11-26T10:30:00Z", "2026-11-26T10:30:00Z");
        RecordingSink sink = new RecordingSink(true);
        cursors.failNextStore = true;
        FinalResultsPublisher publisher = publisher(sink);

        FinalResultsPublisher.Round crashed = publisher.publish();
        FinalResultsPublisher.Round again = publisher.publish();
        FinalResultsPublisher.Round done = publisher.publish();

        assertThat(crashed.failures()).singleElement().satisfies(f -> assertThat(f.reason())
                .isEqualTo("publishing events_per_minute to hourly failed (retried next round): store crashed"));
        assertThat(again.failures()).isEmpty();
        assertThat(sink.calls).hasSize(2).allSatisfy(call -> assertThat(call).isEqualTo(sink.calls.get(0)));
        assertThat(sink.calls.get(0).rows()).containsExactly("09:10 click");
        assertThat(done.published()).isEmpty();
    }

    @Test
    void completeThroughFollowsTheLongestWindow() {
        long fired = at("2026-11-26T10:30:00Z");
        // A 1-minute window starting at 10:29 ends at 10:30: final; one starting at 10:29:00.001 would not be.
        assertThat(FinalResultsPublisher.completeThrough(METRIC, fired))
                .contains(Instant.parse("2026-11-26T10:29:00.001Z"));
        MetricSpec sessions = MetricSpec.builder("sessions")
                .windows(new SessionWindows(Duration.ofMinutes(5), Duration.ofHours(1))).build();
        // Sessions are cut at whole hours: those starting before 10:00 ended by 10:00; one from 10:02 may go on.
        assertThat(FinalResultsPublisher.completeThrough(sessions, fired))
                .contains(Instant.parse("2026-11-26T10:00:00Z"));
        MetricSpec stagger = MetricSpec.builder("stagger")
                .windows(new StaggerWindows(Duration.ofMinutes(10), Duration.ofHours(1))).build();
        // A 10-minute stagger window starting before 10:20:00.001 ended by 10:30 (later than the hour cut's 10:00).
        assertThat(FinalResultsPublisher.completeThrough(stagger, fired))
                .contains(Instant.parse("2026-11-26T10:20:00.001Z"));
        assertThat(FinalResultsPublisher.completeThrough(stagger, at("2026-11-26T11:05:00Z")))
                .as("the hour cut ends every window that started before 11:00, sooner than 10 minutes")
                .contains(Instant.parse("2026-11-26T11:00:00Z"));
        assertThat(FinalResultsPublisher.completeThrough(METRIC, Long.MIN_VALUE)).isEmpty();
        // Every shard's input ended: every window is final, up to the last event time.
        assertThat(FinalResultsPublisher.completeThrough(METRIC, Long.MAX_VALUE))
                .contains(Instant.ofEpochMilli(MetricSpec.MAX_EVENT_TIME + 1 - 60_000 + 1));
    }

    private FinalResultsPublisher publisher(FinalResultsSink... sinks) {
        return new FinalResultsPublisher(ENGINE, List.of(sinks),
                metric -> new ShardMarks(List.of("shard-1", "shard-2"), marks), new InMemoryRows(), cursors,
                Duration.ofDays(1));
    }

    private void bothShardsFiredThrough(String first, String second) {
        marks.put("shard-1", at(first));
        marks.put("shard-2", at(second));
    }

    private void store(String windowStart, String type, long count) {
        Instant start = Instant.parse(windowStart);
        stored.add(new MergedResult(METRIC.name(), start, start.plusSeconds(60), Map.of("type", type),
                Map.of("count", count)));
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    /** A published range and its rows as "HH:mm type". */
    private record Call(Instant from, Instant to, List<String> rows) {
    }

    /** Records what it is handed; an hourly one cuts ranges at whole hours as the Parquet sink does. */
    private static class RecordingSink implements FinalResultsSink {
        final List<Call> calls = new ArrayList<>();
        private final boolean hourly;

        RecordingSink(boolean hourly) {
            this.hourly = hourly;
        }

        @Override
        public String name() {
            return hourly ? "hourly" : "all";
        }

        @Override
        public Instant rangeEnd(Instant from, Instant completeThrough) {
            if (!hourly) {
                return completeThrough;
            }
            Instant hour = completeThrough.truncatedTo(ChronoUnit.HOURS);
            return hour.isAfter(from) ? hour : from;
        }

        @Override
        public void publish(MetricSpec metric, Instant from, Instant to, List<MergedResult> rows) {
            calls.add(new Call(from, to, rows.stream()
                    .map(r -> r.windowStart().toString().substring(11, 16) + " " + r.key().get("type")).toList()));
        }
    }

    private final class InMemoryRows implements MergedRowsPort {
        @Override
        public List<MergedResult> merged(MetricSpec metric, Instant from, Instant to) {
            return stored.stream().filter(r -> !r.windowStart().isBefore(from) && r.windowStart().isBefore(to))
                    .toList();
        }

        @Override
        public Optional<Instant> firstWindowStart(MetricSpec metric, Instant from, Instant to) {
            return merged(metric, from, to).stream().map(MergedResult::windowStart).min(Instant::compareTo);
        }
    }

    private static final class InMemoryCursors implements PublishCursorPort {
        private final Map<String, Instant> cursors = new HashMap<>();
        boolean failNextStore;

        @Override
        public Optional<Instant> load(String metric, String sink) {
            return Optional.ofNullable(cursors.get(metric + "/" + sink));
        }

        @Override
        public void store(String metric, String sink, Instant through) {
            if (failNextStore) {
                failNextStore = false;
                throw new IllegalStateException("store crashed");
            }
            cursors.put(metric + "/" + sink, through);
        }
    }
}
