package io.rtpipe.connectors.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void capDoublesFromTheBaseAndSaturatesAtTheMaximum() {
        long ms = 1_000_000L;
        assertThat(backoff.capNanos(1)).isEqualTo(100 * ms);
        assertThat(backoff.capNanos(2)).isEqualTo(200 * ms);
        assertThat(backoff.capNanos(3)).isEqualTo(400 * ms);
        assertThat(backoff.capNanos(6)).isEqualTo(3200 * ms);
        assertThat(backoff.capNanos(7)).isEqualTo(5000 * ms); // 6400 ms capped
        assertThat(backoff.capNanos(63)).isEqualTo(5000 * ms);
        assertThat(backoff.capNanos(Integer.MAX_VALUE)).as("no overflow").isEqualTo(5000 * ms);
    }

    @Test
    void fullJitterSpansZeroToTheCap() {
        assertThat(backoff.delayNanos(3, 0.0)).isZero();
        assertThat(backoff.delayNanos(3, 0.5)).isEqualTo(200_000_000L);
        assertThat(backoff.delayNanos(3, Math.nextDown(1.0))).isLessThan(400_000_000L).isGreaterThan(399_000_000L);

        SplittableRandom random = new SplittableRandom(7);
        double sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            long d = backoff.delayNanos(4, random.nextDouble());
            assertThat(d).isBetween(0L, 800_000_000L);
            sum += d;
        }
        assertThat(sum / n).as("uniform over [0, 800 ms] has mean 400 ms").isCloseTo(400e6, within(10e6));
    }
}
