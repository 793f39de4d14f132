package io.rtpipe.core.publish;

import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.AlertSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AlertDecisionTest {
    private static final Instant T0 = Instant.parse("2026-11-26T05:00:00Z");

    private static MetricSpec metric(String when, Duration throttle) {
        return MetricSpec.builder("orders").groupBy("type").aggregates(AggregateSpec.count())
                .outputs(List.of(new OutputSpec(OutputSpec.Kind.SNS, "arn:aws:sns:us-east-1:000000000000:topic")))
                .alert(AlertSpec.of(when, throttle, Set.of("count"))).build();
    }

    /** A one-minute window starting {@code minute} minutes after T0. */
    private static MergedResult row(int minute, String type, long count) {
        Instant start = T0.plusSeconds(60L * minute);
        return new MergedResult("orders", start, start.plusSeconds(60), Map.of("type", type), Map.of("count", count));
    }

    private static List<String> notified(List<Alert> alerts) {
        return alerts.stream().map(alert -> alert.record().id()).toList();
    }

    private static String id(int minute, String type) {
        return OutputRecord.id(row(minute, type, 0));
    }

    @Test
    void withoutThrottleEveryCrossingWindowAndKeyNotifies() {
        List<MergedResult> rows = List.of(row(0, "a", 5), row(0, "b", 1), row(1, "a", 2), row(2, "a", 9),
                row(2, "b", 4));

        assertThat(notified(AlertDecision.decide(metric("count > 3", Duration.ZERO), rows)))
                .containsExactly(id(0, "a"), id(2, "a"), id(2, "b"));
    }

    @Test
    void aThrottleLetsTheFirstCrossingOfEachSlotPerKeyNotify() {
        // slots of 5 minutes from the epoch: minutes 0-4, 5-9, 10-14 after T0 (T0 is a whole hour)
        List<MergedResult> rows = new ArrayList<>();
        for (int minute = 0; minute < 15; minute++) {
            rows.add(row(minute, "a", minute == 0 || minute == 2 || minute == 4 || minute == 12 ? 10 : 1));
            rows.add(row(minute, "b", 10));
        }

        List<Alert> alerts = AlertDecision.decide(metric("count > 3", Duration.ofMinutes(5)), rows);

        assertThat(notified(alerts)).containsExactly(id(0, "a"), id(0, "b"), id(5, "b"), id(10, "b"), id(12, "a"));
        assertThat(alerts.get(4).slotStart()).isEqualTo(T0.plusSeconds(600));
        assertThat(alerts.get(4).ledgerKey()).isEqualTo(OutputRecord.keyHash(Map.of("type", "a")) + "/"
                + "2026-11-26T05:10:00Z");
    }

    @Test
    void theDecisionDependsOnTheRowsNotTheirOrder() {
        List<MergedResult> rows = new ArrayList<>();
        for (int minute = 0; minute < 30; minute++) {
            rows.add(row(minute, "a", minute % 3 == 0 ? 10 : 1));
        }
        MetricSpec metric = metric("count > 3", Duration.ofMinutes(7));
        List<Alert> inOrder = AlertDecision.decide(metric, rows);
        Collections.shuffle(rows, new Random(7));

        assertThat(AlertDecision.decide(metric, rows)).isEqualTo(inOrder);
        // crossings at minutes 0, 3, ..., 27; the first of each 7-minute slot counted from the epoch notifies
        List<String> expected = new ArrayList<>();
        long slotMillis = Duration.ofMinutes(7).toMillis();
        long lastSlot = Long.MIN_VALUE;
        for (int minute = 0; minute < 30; minute += 3) {
            long slot = Math.floorDiv(T0.plusSeconds(60L * minute).toEpochMilli(), slotMillis);
            if (slot != lastSlot) {
                expected.add(id(minute, "a"));
                lastSlot = slot;
            }
        }
        assertThat(notified(inOrder)).isEqualTo(expected);
    }

    @Test
    void theConditionReadsTheKeyAndAnErrorIsNoCrossing() {
        List<MergedResult> rows = List.of(row(0, "a", 5), row(0, "b", 5));

        assertThat(notified(AlertDecision.decide(metric("count > 3 && key.type == 'b'", Duration.ZERO), rows)))
                .containsExactly(id(0, "b"));
        assertThat(AlertDecision.decide(metric("count > 'x'", Duration.ZERO), rows)).isEmpty();
    }
}
