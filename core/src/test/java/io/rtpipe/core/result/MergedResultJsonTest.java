package io.rtpipe.core.result;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MergedResultJsonTest {

    private static MergedResult withValues(Map<String, Object> values) {
        return new MergedResult("m", Instant.parse("2026-11-26T08:00:00Z"), Instant.parse("2026-11-26T08:01:00Z"),
                Map.of("type", "click"), values);
    }

    @Test
    void doublesAreWrittenInTheirShortestExactFormWithoutExponent() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("count", 12_345_678L);
        values.put("big", 1.0e7);
        values.put("small", 1.0e-5);
        values.put("tenth", 0.1 + 0.2);
        values.put("whole", 3.0);
        String line = MergedResultJson.toJsonLine(withValues(values), true);
        assertThat(line).endsWith("\"values\":{\"count\":12345678,\"big\":10000000.0,\"small\":0.00001,"
                + "\"tenth\":0.30000000000000004,\"whole\":3.0}}");
        // ... and they read back as the same numbers, doubles as doubles.
        assertThat(MergedResultJson.fromJsonLine(line).values()).isEqualTo(values);
    }

    @Test
    void plainTextOfDoubles() {
        assertThat(NumberText.plain(1.5e20)).isEqualTo("150000000000000000000.0");
        assertThat(NumberText.plain(-2.5e-7)).isEqualTo("-0.00000025");
        assertThat(NumberText.plain(186155.2399999999)).isEqualTo("186155.2399999999");
        assertThat(NumberText.plain(Double.NaN)).isEqualTo("NaN");
    }
}
