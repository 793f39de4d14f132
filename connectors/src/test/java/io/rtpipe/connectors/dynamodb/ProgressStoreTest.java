package io.rtpipe.connectors.dynamodb;

import io.rtpipe.core.checkpoint.IdleAdvance;
import io.rtpipe.core.checkpoint.ReferenceVersions;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressStoreTest {

    @Test
    void progressJsonRoundTrip() {
        var progress = new ShardProgress(new RecordPosition("49590338271490256608559692538361571095921575989136588898", 4),
                Map.of("events_per_minute", 1_714_567_890_123L), Map.of("events_per_minute", 1_714_567_800_000L),
                Map.of("events_per_minute", MetricSpec.eventsPerMinute().definition()),
                Map.of("events_per_minute", 1_714_567_890_123L),
                List.of(new IdleAdvance(new RecordPosition("49590338271490256608559692538361571095921575989136588899", 0),
                        Map.of("events_per_minute", 1_714_567_950_123L))));

        assertThat(ProgressStore.fromJson(ProgressStore.toJson(progress))).isEqualTo(progress);
    }

    @Test
    void referenceVersionsRoundTrip() {
        var at = new RecordPosition("49590338271490256608559692538361571095921575989136588898", 4);
        var progress = new ShardProgress(at, Map.of(), Map.of(), Map.of(), Map.of(), List.of(), null, List.of(
                new ReferenceVersions(null, Map.of("products", "etag:2a14f4156337891a")),
                new ReferenceVersions(at, Map.of("products", "s3-version:3HL4kqtJlcpXroDTDmJ"))));

        assertThat(ProgressStore.fromJson(ProgressStore.toJson(progress))).isEqualTo(progress);
    }

    @Test
    void aStartEntryWithADecisionBeforeAnyRecordRoundTrips() {
        var start = new ShardProgress(null, Map.of(), Map.of(),
                Map.of("events_per_minute", MetricSpec.eventsPerMinute().definition()), Map.of(),
                List.of(new IdleAdvance(null, Map.of("events_per_minute", 1_714_567_950_123L))));

        assertThat(ProgressStore.fromJson(ProgressStore.toJson(start))).isEqualTo(start);
    }

    @Test
    void progressStoredBeforeDefinitionsWereReadsWithNone() {
        String json = "{\"checkpoint\":{\"sequenceNumber\":\"5\",\"subSequenceNumber\":0},"
                + "\"maxTimeAtCheckpoint\":{\"m\":7},\"maxTimeFired\":{}}";
        assertThat(ProgressStore.fromJson(json).definitions()).isEmpty();
        assertThat(ProgressStore.fromJson(json).idleAdvances()).isEmpty();
        assertThat(ProgressStore.fromJson(json).referenceVersions()).isEmpty();
    }
}
