package io.rtpipe.cli.console;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's window end → result latency. */
class ResultsViewTest {

    private static final Instant END = Instant.parse("2026-12-03T13:01:00Z");

    @Test
    void aWindowWrittenAfterItsEndHasThatLatency() {
        assertThat(ResultsView.latencyMillis(END, END.plusMillis(5_250))).isEqualTo(5_250L);
        assertThat(ResultsView.latencyMillis(END, END)).isZero();
    }

    @Test
    void aWindowADrainWroteBeforeItsEndHasNoLatencyRatherThanANegativeOne() {
        // rtpipe local drains at the end of its input: the current minute's window is written ~20 s before it ends.
        assertThat(ResultsView.latencyMillis(END, END.minusSeconds(20))).isNull();
    }

    @Test
    void aWindowNotYetSeenWrittenHasNoLatency() {
        assertThat(ResultsView.latencyMillis(END, null)).isNull();
    }
}
