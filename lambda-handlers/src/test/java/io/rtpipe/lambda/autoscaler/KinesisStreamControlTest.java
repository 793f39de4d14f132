package io.rtpipe.lambda.autoscaler;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KinesisStreamControlTest {

    @Test
    void historyTagRoundTripsAndFitsTheTagValueLimit() {
        List<Instant> history = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            history.add(Instant.parse("2026-03-01T00:00:00Z").plusSeconds(3600L * i));
        }
        String tag = KinesisStreamControl.encode(history);
        assertThat(tag.length()).isLessThanOrEqualTo(256);
        assertThat(KinesisStreamControl.decode(tag)).isEqualTo(history);
        assertThat(KinesisStreamControl.decode("")).isEmpty();
        assertThat(KinesisStreamControl.decode(" 1700000000  junk ")).containsExactly(Instant.ofEpochSecond(1700000000));
    }
}
