package io.rtpipe.connectors.sink;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    @Test
    void delaysStayWithinTheBackoffCapWhichGrowsExponentiallyUpToTheMaximum() {
        var policy = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
        long longestAfterThree = 0;
        for (int i = 0; i < 200; i++) {
            assertThat(policy.delayAfter(1).toMillis()).isBetween(0L, 100L);
            long third = policy.delayAfter(3).toMillis();
            assertThat(third).isBetween(0L, 400L);
            longestAfterThree = Math.max(longestAfterThree, third);
            assertThat(policy.delayAfter(9).toMillis()).isBetween(0L, 1000L);
        }
        assertThat(longestAfterThree).as("the cap doubled twice, so some of 200 delays exceed the first cap")
                .isGreaterThan(100L);
    }

    @Test
    void noRetriesNeverWaits() {
        assertThat(RetryPolicy.noRetries().delayAfter(1)).isZero();
    }
}
