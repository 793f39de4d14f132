package io.rtpipe.core.metric;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TumblingWindowsTest {
    private final TumblingWindows minute = TumblingWindows.of(Duration.ofMinutes(1));

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "1, 0",
            "59999, 0",
            "60000, 60000",
            "60001, 60000",
            "-1, -60000",
            "-59999, -60000",
            "-60000, -60000",
            "-60001, -120000",
            "1764133200123, 1764133200000",
            // the supported range's edges: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z
            "-62135596800000, -62135596800000",
            "253402300799999, 253402300740000",
    })
    void assignsTheMinuteContainingTheTime(long eventTime, long expectedStart) {
        assertThat(minute.windowsPerEvent()).isEqualTo(1);
        assertThat(minute.windowStart(eventTime, 0)).isEqualTo(expectedStart);
        assertThat(eventTime).isGreaterThanOrEqualTo(expectedStart).isLessThan(expectedStart + minute.sizeMillis());
    }

    @Test
    void oddSizesAlignToTheEpoch() {
        TumblingWindows sevenMs = TumblingWindows.of(Duration.ofMillis(7));
        assertThat(sevenMs.windowStart(13, 0)).isEqualTo(7);
        assertThat(sevenMs.windowStart(14, 0)).isEqualTo(14);
        assertThat(sevenMs.windowStart(-7, 0)).isEqualTo(-7);
        assertThat(sevenMs.windowStart(-8, 0)).isEqualTo(-14);
    }

    @Test
    void rejectsSizesOutsideTheSupportedRange() {
        assertThatThrownBy(() -> TumblingWindows.of(Duration.ZERO)).hasMessageContaining("between 1 ms and 366 days");
        assertThatThrownBy(() -> TumblingWindows.of(Duration.ofNanos(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TumblingWindows.of(Duration.ofDays(367))).isInstanceOf(IllegalArgumentException.class);
    }
}
