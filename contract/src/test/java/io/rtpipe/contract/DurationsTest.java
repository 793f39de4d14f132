package io.rtpipe.contract;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @Test
    void readsEveryUnitAndIso() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse(Durations.days(7))).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void refusesOtherTextWithOneSentence() {
        assertThatThrownBy(() -> Durations.parse("a month"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'a month' is not a duration; write it like 500ms, 30s, 2m, 1h or 30d");
    }

    @Test
    void everyDurationDefaultOfAComponentIsReadable() {
        List<Setting> all = new ArrayList<>(ConsumerSettings.ALL);
        all.addAll(AnalyticsLambdaSettings.ALL);
        List<Setting> durations = all.stream()
                .filter(s -> s.defaultValue() != null && s.defaultValue().matches("\\d+(ms|s|m|h|d)"))
                .toList();
        assertThat(durations).isNotEmpty();
        durations.forEach(s -> assertThat(Durations.parse(s.defaultValue())).as(s.flag()).isPositive());
    }
}
