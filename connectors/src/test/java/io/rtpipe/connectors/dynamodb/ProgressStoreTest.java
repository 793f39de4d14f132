package io.rtpipe.connectors.dynamodb;

import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressStoreTest {

    @Test
    void progressJsonRoundTrip() {
        var progress = new ShardProgress(new RecordPosition("49590338271490256608559692538361571095921575989136588898", 4),
                Map.of("events_per_minute", 1_714_567_890_123L), Map.of("events_per_minute", 1_714_567_800_000L));

        assertThat(ProgressStore.fromJson(ProgressStore.toJson(progress))).isEqualTo(progress);
    }
}
