package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.InputRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShardEngineDecodingTest {
    // Arriving from 2027 on: after every event time below, so no event is ahead of its arrival.
    private final Records records = new Records(1_800_000_000_000L);
    private List<DeadLetter> deadLettersOf(InputRecord... input) {
        ShardEngine engine = new ShardEngine(EngineConfig.defaults(), "shard-0", ShardProgress.initial());
        for (InputRecord record : input) {
            engine.process(record);
        }
        engine.endOfInput();
        engine.takeFiredResults();
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();
        assertThat(plan.archive()).containsExactly(input);
        return plan.deadLetters();
    }

    private String reasonFor(String payload) {
        InputRecord record = records.raw(payload);
        List<DeadLetter> deadLetters = deadLettersOf(record);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).record()).isSameAs(record);
        return deadLetters.get(0).reason();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"type\":\"click\"}                          | ts: missing",
            "{\"ts\":\"1764133200123\",\"type\":\"click\"} | ts: expected an integer epoch-millis number, found string (for ISO-8601 text set timestamp.format: iso8601)",
            "{\"ts\":1764133200123.0,\"type\":\"click\"}   | ts: expected an integer epoch-millis number, found floating-point number",
            "{\"ts\":null,\"type\":\"click\"}              | ts: expected an integer epoch-millis number, found null",
            "{\"ts\":true,\"type\":\"click\"}              | ts: expected an integer epoch-millis number, found boolean",
            "{\"ts\":{\"ms\":1},\"type\":\"click\"}        | ts: expected an integer epoch-millis number, found object",
            "{\"ts\":[1],\"type\":\"click\"}               | ts: expected an integer epoch-millis number, found array",
            "{\"ts\":99999999999999999999,\"type\":\"a\"}  | ts: 99999999999999999999 is outside the supported epoch-millis range (years 0001 to 9999)",
            "{\"ts\":253402300800000,\"type\":\"a\"}       | ts: 253402300800000 is outside the supported epoch-millis range (years 0001 to 9999)",
            "{\"ts\":-62135596800001,\"type\":\"a\"}       | ts: -62135596800001 is outside the supported epoch-millis range (years 0001 to 9999)",
            "{\"ts\":1764133200123}                        | type: missing",
            "{\"ts\":1764133200123,\"type\":5}             | type: expected a string, found integer",
            "{\"ts\":1764133200123,\"type\":null}          | type: expected a string, found null",
            "{\"ts\":1764133200123,\"type\":[\"a\"]}       | type: expected a string, found array",
            "[1,2]                                         | not a JSON object: found array",
            "`\"just a string\"`                           | not a JSON object: found string",
            "42                                            | not a JSON object: found integer",
            "``                                            | not valid JSON: the record is empty",
            "{\"ts\":1,\"type\":\"a\"} {}                  | not valid JSON: unexpected content after the object",
    })
    void malformedRecordBecomesDeadLetterWithReasonNamingTheField(String payload, String reason) {
        assertThat(reasonFor(payload)).isEqualTo(reason);
    }

    @Test
    void syntaxErrorsCarryTheParserMessageOnOneLine() {
        assertThat(reasonFor("{\"ts\":1,\"type\":\"a\"")).startsWith("not valid JSON: Unexpected end-of-input")
                .doesNotContain("\n");
        assertThat(reasonFor("{ts:1}")).startsWith("not valid JSON: Unexpected character").doesNotContain("\n");
        // A syntax error inside a field the metric does not read is still a syntax error.
        assertThat(reasonFor("{\"ts\":1,\"type\":\"a\",\"page\":{\"x\":]}")).startsWith("not valid JSON: ");
    }

    @Test
    void inputBeyondJacksonsStreamLimitsIsADeadLetterNotAnException() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        assertThat(reasonFor("{\"ts\":1,\"type\":\"a\",\"x\":" + deep + "}")).startsWith("not valid JSON: ")
                .contains("nesting depth");
        assertThat(reasonFor("{\"ts\":" + "9".repeat(5_000) + ",\"type\":\"a\"}")).startsWith("not valid JSON: ")
                .contains("Number value length");
    }

    @Test
    void invalidUtf8IsADeadLetter() {
        InputRecord record = records.raw(new byte[]{'{', '"', 't', 's', '"', ':', '1', ',', '"', 't', 'y', 'p', 'e',
                '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        List<DeadLetter> deadLetters = deadLettersOf(record);
        assertThat(deadLetters).singleElement().extracting(DeadLetter::reason).asString()
                .startsWith("not valid JSON: Invalid UTF-8");
    }

    @Test
    void deadLettersAreNotCountedAndDoNotStallTheShard() {
        InputRecord good1 = records.event(60_000, "click");
        InputRecord bad = records.raw("{\"ts\":\"oops\",\"type\":\"click\"}");
        InputRecord good2 = records.event(60_001, "click");
        assertThat(deadLettersOf(good1, bad, good2)).extracting(DeadLetter::record).containsExactly(bad);
        // endOfInput fired the window in deadLettersOf; rebuild the results from a fresh engine to inspect them
        ShardEngine fresh = new ShardEngine(EngineConfig.defaults(), "shard-0", ShardProgress.initial());
        List.of(good1, bad, good2).forEach(fresh::process);
        fresh.endOfInput();
        assertThat(fresh.takeFiredResults()).singleElement()
                .satisfies(r -> assertThat(r.values()).containsEntry("count", 2L));
        assertThat(fresh.stats().deadLettered()).isEqualTo(1);
        assertThat(fresh.stats().recordsProcessed()).isEqualTo(3);
    }

    @Test
    void fieldsNotReadMayHoldAnythingAndLastDuplicateWins() {
        ShardEngine fresh = new ShardEngine(EngineConfig.defaults(), "s", ShardProgress.initial());
        fresh.process(records.raw("{\"user\":{\"tags\":[1,{\"a\":null}],\"x\":\"y\"},\"ts\":5,\"type\":\"a\","
                + "\"type\":\"b\",\"amount\":1e400}"));
        fresh.endOfInput();
        assertThat(fresh.takeFiredResults()).singleElement()
                .satisfies(r -> assertThat(r.key()).containsExactly(java.util.Map.entry("type", "b")));
    }
}
