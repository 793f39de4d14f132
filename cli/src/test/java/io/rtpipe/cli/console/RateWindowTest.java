package io.rtpipe.cli.console;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RateWindowTest {

    @Test
    void averagesOverTheSpanOnceItHasPassed() {
        RateWindow rate = new RateWindow(Duration.ofSeconds(10), 0);
        rate.add(1_000, 50);
        rate.add(9_000, 150);
        assertThat(rate.perSecond(10_000)).isCloseTo(20.0, within(1e-9));
        // The count at 1 s leaves the span (0 s, 10 s] at 11 s.
        assertThat(rate.perSecond(11_000)).isCloseTo(15.0, within(1e-9));
        assertThat(rate.perSecond(30_000)).isZero();
    }

    @Test
    void dividesByTheTimeSinceStartWhileShorterThanTheSpan() {
        RateWindow rate = new RateWindow(Duration.ofSeconds(30), 100_000);
        rate.add(101_000, 40);
        assertThat(rate.perSecond(104_000)).isCloseTo(10.0, within(1e-9));
        // Never less than one second, so a first sample cannot divide by zero.
        assertThat(rate.perSecond(100_200)).isCloseTo(40.0, within(1e-9));
    }
}
