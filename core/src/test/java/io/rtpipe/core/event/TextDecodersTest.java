package io.rtpipe.core.event;

import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CSV and regex decoders chosen by the spec file, end to end through an engine. */
class TextDecodersTest {
    private static final String METRICS = """
            metrics:
              - name: by_status
                filter: "amount > 1"
                group_by: [status, user.country]
                aggregates:
                  - {name: n, fn: count}
                  - {name: total, fn: sum, field: amount}
                  - {name: users, fn: distinct, field: user}
            """;

    private static List<String> run(String decoderYaml, List<String> lines, List<String> deadLetters) {
        EngineConfig config = SpecLoader.standard().parse("m.yaml", decoderYaml + METRICS);
        ShardEngine engine = new ShardEngine(config, "s", ShardProgress.initial());
        long n = 1;
        for (String line : lines) {
            engine.process(new InputRecord(RecordPosition.of(Long.toString(n++)), "pk", 0,
                    line.getBytes(StandardCharsets.UTF_8)));
        }
        engine.endOfInput();
        List<WindowResult> results = engine.takeFiredResults();
        engine.planCheckpoint().orElseThrow().deadLetters().stream().map(DeadLetter::reason).forEach(deadLetters::add);
        return results.stream().map(r -> r.key().values() + "=" + r.values().get("n") + "/" + r.values().get("total"))
                .toList();
    }

    @Test
    void csvLinesWithQuotesAndTypedValues() {
        List<String> dead = new java.util.ArrayList<>();
        List<String> results = run("decoder: {type: csv, header: [ts, status, user.country, amount, user]}\n", List.of(
                "1000,200,DE,2.5,u1\n",
                "2000,200,\"DE\",3,\"u\"\"2\"",
                "3000,404,FR,1,u3",            // filtered out: amount 1
                "4000,\"2,0\",DE,10,u1\r\n",
                "5000,200,DE",                 // wrong number of values
                "6000,200,DE,\"x,3,u1",        // unclosed quote
                "7000,200,,5,u1"),             // empty country: missing
                dead);
        assertThat(results).containsExactly("[200, DE]=2/5.5", "[2,0, DE]=1/10");
        assertThat(dead).containsExactly("not valid CSV: expected 5 values, found 3",
                "not valid CSV: a quoted value in column 4 is not closed", "user.country: missing");
    }

    @Test
    void regexNamedGroupsAreTheFields() {
        EngineConfig config = SpecLoader.standard().parse("m.yaml", """
                decoder: {type: regex, pattern: '(?<ts>\\d+) (?<status>\\d{3}) (?<amount>[\\d.]+)(?: (?<user>\\w+))?'}
                metrics:
                  - name: by_status
                    group_by: [status]
                    aggregates:
                      - {name: n, fn: count}
                      - {name: total, fn: sum, field: amount}
                      - {name: users, fn: count, field: user}
                """);
        ShardEngine engine = new ShardEngine(config, "s", ShardProgress.initial());
        long n = 1;
        for (String line : List.of("1000 200 2.5 u1", "2000 200 4", "3000 500 9 u2\n", "garbage 200 1")) {
            engine.process(new InputRecord(RecordPosition.of(Long.toString(n++)), "pk", 0,
                    line.getBytes(StandardCharsets.UTF_8)));
        }
        engine.endOfInput();
        assertThat(engine.takeFiredResults()).extracting(r -> r.key() + "=" + r.values())
                .containsExactly("{status=200}={n=2, total=6.5, users=1}", "{status=500}={n=1, total=9, users=1}");
        assertThat(engine.planCheckpoint().orElseThrow().deadLetters()).extracting(DeadLetter::reason)
                .containsExactly("does not match the decoder's pattern");
    }

    @Test
    void decoderMistakesAreLocatedSpecErrors() {
        assertThatThrownBy(() -> SpecLoader.standard().parse("m.yaml", "decoder: {type: csv}\n" + METRICS))
                .isInstanceOf(SpecException.class).hasMessage("m.yaml:1: decoder.header: found nothing, expected a "
                        + "list of distinct column names such as [ts, type, amount]");
        assertThatThrownBy(() -> SpecLoader.standard().parse("m.yaml", "decoder: {type: regex, pattern: '(a'}\n"
                + METRICS)).isInstanceOf(SpecException.class).hasMessageStartingWith("m.yaml:1: decoder.pattern: "
                + "found \"(a\", expected a regular expression with named groups such as (?<ts>\\d+) (Unclosed group");
        assertThatThrownBy(() -> SpecLoader.standard().parse("m.yaml", "decoder: xml\n" + METRICS))
                .hasMessageStartingWith("m.yaml:1: decoder: found \"xml\", expected json, {type: csv");
        assertThat(SpecLoader.standard().parse("m.yaml", "decoder: json\n" + METRICS).decoder())
                .isEqualTo(DecoderSpec.json());
    }
}
