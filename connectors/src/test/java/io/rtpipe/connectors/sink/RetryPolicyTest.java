package io.rtpipe.connectors.sink;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    @Test
    void delaysGrowExponentiallyUpToTheCap() {
        var policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        for (int i = 0; i < 50; i++) {
            assertThat(policy.delayAfter(1).toMillis()).isBetween(50L, 100L);
            assertThat(policy.delayAfter(3).toMillis()).isBetween(200L, 400L);
            assertThat(policy.delayAfter(9).toMillis()).isBetween(500L, 1000L);
        }
    }
}
