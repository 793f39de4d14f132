package io.rtpipe.cli.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code rtpipe bench pipeline} reports for the consumer side. */
class PipelineBenchTest {

    @Test
    void theRateCountsAcknowledgedEventsNotCopiesTheConsumerRead() {
        // A run on a starved kinesis-mock: 131,977 events acknowledged, 300,297 records read (timed-out puts stored).
        String line = PipelineBench.consumedLine(300_297, 131_977, 20_253, 0, 0.5, 482.5);

        assertThat(line).contains("consumed  300,297 events (20,253 late, 0 dead letters; 168,320 more than "
                + "acknowledged: copies of retried puts)");
        assertThat(line).contains(": 274 events/s sustained end to end"); // 131,977 / 482.5, not 300,297 / 482.5
    }

    @Test
    void aCompleteRunWithoutCopiesSaysNothingAboutThem() {
        assertThat(PipelineBench.consumedLine(180_000, 180_000, 0, 0, 0.8, 183.1))
                .isEqualTo("consumed  180,000 events (0 late, 0 dead letters), caught up 0.8 s after the last put: "
                        + "983 events/s sustained end to end (acknowledged events, first put to caught up)");
    }
}
