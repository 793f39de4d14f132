package io.rtpipe.core.publish;

import io.rtpipe.core.result.MergedResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutputRecordTest {
    private static final Instant START = Instant.parse("2026-11-26T05:00:00Z");

    private static MergedResult row(Map<String, String> key, long count) {
        return new MergedResult("orders", START, START.plusSeconds(60), key, Map.of("count", count));
    }

    @Test
    void idIsMetricWindowStartKeyHashAndRevision() {
        // printf '4:type5:click' | sha256sum, first 16 hex digits
        assertThat(OutputRecord.id(row(Map.of("type", "click"), 3)))
                .isEqualTo("orders/2026-11-26T05:00:00Z/e0efbe4dbcb4f01e/final");
        // the hash of nothing, for a metric without group-by fields
        assertThat(OutputRecord.id(row(Map.of(), 3))).isEqualTo("orders/2026-11-26T05:00:00Z/e3b0c44298fc1c14/final");
    }

    @Test
    void theIdDependsOnTheKeyNotTheValues() {
        assertThat(OutputRecord.id(row(Map.of("type", "click"), 3)))
                .isEqualTo(OutputRecord.id(row(Map.of("type", "click"), 4)))
                .isNotEqualTo(OutputRecord.id(row(Map.of("type", "view"), 3)));
    }

    @Test
    void lengthPrefixesKeepKeysThatConcatenateAlikeApart() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "bc");
        Map<String, String> abc = new LinkedHashMap<>();
        abc.put("ab", "c");

        assertThat(OutputRecord.keyHash(ab)).isNotEqualTo(OutputRecord.keyHash(abc));
    }

    @Test
    void theBodyIsTheResultLineLedByTheId() {
        OutputRecord record = OutputRecord.of(row(Map.of("type", "click"), 3));

        assertThat(record.json()).isEqualTo("{\"id\":\"orders/2026-11-26T05:00:00Z/e0efbe4dbcb4f01e/final\","
                + "\"metric\":\"orders\",\"window_start\":\"2026-11-26T05:00:00Z\","
                + "\"window_end\":\"2026-11-26T05:01:00Z\",\"final\":true,\"key\":{\"type\":\"click\"},"
                + "\"values\":{\"count\":3}}");
    }
}
