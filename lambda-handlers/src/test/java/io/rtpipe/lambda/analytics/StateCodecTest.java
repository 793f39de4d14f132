package io.rtpipe.lambda.analytics;

import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StateCodecTest {

    private final StateCodec codec = new StateCodec(AnalyticsSettings.DEFAULT_MAX_STATE_BYTES);

    @Test
    void roundTripsPositionsTimesAndEveryValueType() {
        Map<WindowState.PartialKey, Map<String, Object>> partials = new LinkedHashMap<>();
        partials.put(new WindowState.PartialKey("m", Instant.parse("2024-05-01T12:00:00Z"),
                Instant.parse("2024-05-01T12:01:00Z"), Map.of("type", "click")), Map.of("count", 3L));
        Map<String, Object> mixed = new LinkedHashMap<>();
        mixed.put("sum", 2.0);
        mixed.put("first", "x");
        mixed.put("sketch", new byte[] {1, 2, (byte) 0xFF});
        partials.put(new WindowState.PartialKey("n", Instant.parse("-0001-01-01T00:00:00Z"),
                Instant.parse("0001-01-01T00:00:00Z"), Map.of("a", "1", "b", "ü")), mixed);
        var state = new WindowState(new RecordPosition("4959", 2), RecordPosition.of("4960"),
                Map.of("m", 1714564700000L), Map.of("m", 1714564800123L, "n", -5L), partials);

        WindowState back = codec.decode(codec.encode(state, "shard-1"));
        assertThat(back.firstPosition()).isEqualTo(state.firstPosition());
        assertThat(back.lastPosition()).isEqualTo(state.lastPosition());
        assertThat(back.startTimes()).isEqualTo(state.startTimes());
        assertThat(back.maxTimes()).isEqualTo(state.maxTimes());
        assertThat(back.partials().keySet()).containsExactlyElementsOf(partials.keySet());
        assertThat(back.partials().get(partials.keySet().iterator().next())).isEqualTo(Map.of("count", 3L));
        Map<String, Object> mixedBack = back.partials().values().stream().skip(1).findFirst().orElseThrow();
        assertThat(mixedBack.get("sum")).isInstanceOf(Double.class).isEqualTo(2.0);
        assertThat(mixedBack.get("first")).isEqualTo("x");
        assertThat((byte[]) mixedBack.get("sketch")).containsExactly(1, 2, 0xFF);
        assertThat(codec.encode(WindowState.empty(), "shard-1")).isEmpty();
        assertThat(codec.decode(null).isEmpty()).isTrue();
    }

    @Test
    void tenThousandCountKeysFitFarBelowTheLimit() {
        Map<WindowState.PartialKey, Map<String, Object>> partials = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            Instant start = Instant.parse("2024-05-01T12:00:00Z").plusSeconds(60L * (i % 5));
            partials.put(new WindowState.PartialKey("events_per_minute", start, start.plusSeconds(60),
                    Map.of("type", "type-" + Integer.toHexString(i * 40503))), Map.of("count", (long) (i * 7 % 1000)));
        }
        var state = new WindowState(RecordPosition.of("1"), RecordPosition.of("2"), Map.of(), Map.of(), partials);
        int size = codec.encode(state, "shard").get(StateCodec.KEY).length();
        System.out.printf("10,000 (window, key) count partials: %,d bytes of state%n", size);
        assertThat(size).isLessThan(AnalyticsSettings.DEFAULT_MAX_STATE_BYTES / 2);
    }
}
