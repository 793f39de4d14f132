package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.TimestampSource.TimeFormat;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Event times in each supported format, the unit slips users make, and times too far ahead of arrival. */
class EventTimeFormatsTest {

    /** 2026-12-02T18:00:00Z, when every record below arrives unless it says otherwise. */
    private static final long ARRIVAL = Instant.parse("2026-12-02T18:00:00Z").toEpochMilli();

    private long sequence;

    private InputRecord record(String payload, long arrival) {
        return new InputRecord(RecordPosition.of(Long.toString(++sequence)), "pk", arrival,
                payload.getBytes(StandardCharsets.UTF_8));
    }

    private static MetricSpec perMinute(TimeFormat format, Duration maxAhead) {
        return MetricSpec.builder("m").groupBy("type")
                .timestamp(new TimestampSource.EventTimeField(FieldPath.parse("ts"), format, maxAhead))
                .allowedLateness(Duration.ZERO).build();
    }

    /** Runs the records through one engine; returns the window starts counted (as instants) and the dead letters. */
    private static Outcome run(MetricSpec spec, List<InputRecord> input) {
        ShardEngine engine = new ShardEngine(EngineConfig.builder().metric(spec).build(), "s", ShardProgress.initial());
        input.forEach(engine::process);
        engine.endOfInput();
        List<String> counted = new ArrayList<>();
        engine.takeFiredResults().forEach(r -> counted.add(r.windowStart() + "=" + r.values().get("count")));
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();
        return new Outcome(counted, plan.deadLetters().stream().map(DeadLetter::reason).toList(),
                plan.lateRecords().size());
    }

    private record Outcome(List<String> counted, List<String> reasons, int late) {
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EPOCH_MILLIS  | 1764698400123",
            "EPOCH_SECONDS | 1764698400",
            "EPOCH_SECONDS | 1764698400.123",
            "ISO_8601      | \"2026-12-02T18:00:00.123Z\"",
            "ISO_8601      | \"2026-12-02 19:00:00.123+01:00\"",
    })
    void eachFormatPutsTheEventInTheSameMinute(TimeFormat format, String ts) {
        Outcome outcome = run(perMinute(format, TimestampSource.DEFAULT_MAX_AHEAD),
                List.of(record("{\"ts\":" + ts + ",\"type\":\"a\"}", ARRIVAL)));
        assertThat(outcome.reasons()).isEmpty();
        // 1764698400 s is 2025-12-02T18:00:00Z; the ISO rows name the same instant a year later, so compare minutes.
        assertThat(outcome.counted()).singleElement().asString().endsWith("T18:00:00Z=1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EPOCH_MILLIS  | 1764698400            | ts: 1764698400 read as epoch millis is 1970-01-21T10:11:38.400Z, but as epoch seconds it is 2025-12-02T18:00:00Z, near the record's arrival: set timestamp.format: epoch_seconds",
            "EPOCH_SECONDS | 1764698400123         | ts: 1764698400123 seconds is outside the supported range (years 0001 to 9999); it looks like epoch millis: set timestamp.format: epoch_millis",
            "ISO_8601      | \"2026-12-02T18:00:00\" | ts: \"2026-12-02T18:00:00\" is not an ISO-8601 time with a zone offset, such as 2026-12-02T18:00:00Z or 2026-12-02T19:00:00+01:00",
            "ISO_8601      | 1764698400123         | ts: expected an ISO-8601 time such as 2026-12-02T18:00:00Z, found integer",
            "EPOCH_SECONDS | \"1764698400\"          | ts: expected an epoch-seconds number, found string",
    })
    void unitAndFormatMistakesAreDeadLetteredWithASentence(TimeFormat format, String ts, String reason) {
        Outcome outcome = run(perMinute(format, TimestampSource.DEFAULT_MAX_AHEAD),
                List.of(record("{\"ts\":" + ts + ",\"type\":\"a\"}", ARRIVAL)));
        assertThat(outcome.reasons()).containsExactly(reason);
        assertThat(outcome.counted()).isEmpty();
    }

    @Test
    void oneEventFromTheFarFutureIsDeadLetteredInsteadOfMakingTheRestOfTheShardLate() {
        List<InputRecord> input = new ArrayList<>();
        long minute = Instant.parse("2026-12-02T17:00:00Z").toEpochMilli();
        for (int i = 0; i < 10; i++) {
            input.add(record("{\"ts\":" + (minute + i * 1_000) + ",\"type\":\"a\"}", ARRIVAL));
            if (i == 3) {
                input.add(record("{\"ts\":253402300799000,\"type\":\"a\"}", ARRIVAL)); // 9999-12-31T23:59:59Z
            }
        }
        Outcome outcome = run(perMinute(TimeFormat.EPOCH_MILLIS, TimestampSource.DEFAULT_MAX_AHEAD), input);
        assertThat(outcome.reasons()).containsExactly("ts: 9999-12-31T23:59:59Z is more than 1h ahead of the "
                + "record's arrival time 2026-12-02T18:00:00Z (timestamp.max_ahead)");
        assertThat(outcome.late()).isZero();
        assertThat(outcome.counted()).containsExactly("2026-12-02T17:00:00Z=10");
    }

    @Test
    void anEventJustWithinMaxAheadCounts() {
        MetricSpec spec = perMinute(TimeFormat.EPOCH_MILLIS, Duration.ofMinutes(5));
        Outcome outcome = run(spec, List.of(record("{\"ts\":" + (ARRIVAL + 300_000) + ",\"type\":\"a\"}", ARRIVAL),
                record("{\"ts\":" + (ARRIVAL + 300_001) + ",\"type\":\"a\"}", ARRIVAL)));
        assertThat(outcome.counted()).containsExactly("2026-12-02T18:05:00Z=1");
        assertThat(outcome.reasons()).singleElement().asString().contains("is more than 5m ahead");
    }
}
