package io.rtpipe.testkit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BuiltinEventRulesTest {

    /** 2026-12-02T18:00:00Z: when the records below arrived. */
    private static final long ARRIVAL = 1_764_698_400_000L;

    private static BuiltinEventRules.ValidEvent parse(String json) {
        return BuiltinEventRules.parse(json.getBytes(StandardCharsets.UTF_8), ARRIVAL);
    }

    @Test
    void aValidEventGivesItsTimeTypeAndId() {
        assertThat(parse("{\"event_id\":\"e1\",\"ts\":60000,\"type\":\"click\",\"x\":1e400}"))
                .isEqualTo(new BuiltinEventRules.ValidEvent(60_000, "click", "e1"));
        assertThat(parse("{\"ts\":0,\"type\":\"view\",\"event_id\":7}").id()).isEqualTo(7L);
        assertThat(parse("{\"ts\":0,\"type\":\"view\",\"event_id\":\"7\"}").id()).isEqualTo("7");
        assertThat(parse("{\"ts\":0,\"type\":\"view\",\"event_id\":1.5}").id()).isNull();
        assertThat(parse("{\"ts\":0,\"type\":\"view\",\"event_id\":99999999999999999999}").id()).isNull();
    }

    @Test
    void recordsTheEngineDeadLettersAreInvalid() {
        assertThat(parse("{\"ts\":1,\"type\":\"a\"} trailing")).isNull();
        assertThat(parse("[{\"ts\":1,\"type\":\"a\"}]")).isNull();
        assertThat(parse("{\"ts\":1.5,\"type\":\"a\"}")).isNull();
        assertThat(parse("{\"ts\":\"1\",\"type\":\"a\"}")).isNull();
        assertThat(parse("{\"ts\":1,\"type\":3}")).isNull();
        assertThat(parse("{\"ts\":253402300800000,\"type\":\"a\"}")).isNull(); // year 10000
        assertThat(parse("{\"ts\":1,\"type\":\"a\",\"deep\":" + "[".repeat(1_001) + "]".repeat(1_001) + "}")).isNull();
        byte[] badUtf8 = "{\"ts\":1,\"type\":\"a\",\"n\":\"?\"}".getBytes(StandardCharsets.UTF_8);
        badUtf8[badUtf8.length - 3] = (byte) 0xC3;
        assertThat(BuiltinEventRules.parse(badUtf8, ARRIVAL)).isNull();
    }

    @Test
    void timesTooFarAheadOfArrivalAndSecondsWrittenAsMillisAreInvalid() {
        assertThat(parse("{\"ts\":" + (ARRIVAL + 3_600_000) + ",\"type\":\"a\"}")).isNotNull();
        assertThat(parse("{\"ts\":" + (ARRIVAL + 3_600_001) + ",\"type\":\"a\"}")).isNull();
        assertThat(parse("{\"ts\":253402300799000,\"type\":\"a\"}")).isNull(); // 9999-12-31: far ahead
        assertThat(parse("{\"ts\":" + ARRIVAL / 1000 + ",\"type\":\"a\"}")).isNull(); // seconds
        assertThat(parse("{\"ts\":" + (ARRIVAL - 400L * 24 * 3_600_000) + ",\"type\":\"a\"}")).isNotNull();
    }
}
