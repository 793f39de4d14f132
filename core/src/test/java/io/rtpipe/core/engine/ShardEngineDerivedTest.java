package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Derived fields ({@code derive:}) read by every part of a metric, and what happens when one cannot be computed. */
class ShardEngineDerivedTest {
    private final Records records = new Records(1_800_000_000_000L);
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    private List<WindowResult> run(String yaml, String... payloads) {
        EngineConfig config = SpecLoader.standard().parse("metrics.yaml", yaml);
        ShardEngine engine = new ShardEngine(config, "shard-0", ShardProgress.initial());
        List<InputRecord> input = new ArrayList<>();
        for (String payload : payloads) {
            InputRecord record = records.raw(payload);
            input.add(record);
            engine.process(record);
        }
        engine.endOfInput();
        List<WindowResult> results = engine.takeFiredResults();
        deadLetters.addAll(engine.planCheckpoint().orElseThrow().deadLetters());
        return results;
    }

    /** Result values per key value of the single group-by field. */
    private static Map<String, Map<String, Object>> byKey(List<WindowResult> results) {
        Map<String, Map<String, Object>> byKey = new TreeMap<>();
        results.forEach(r -> byKey.put(String.join("|", r.key().values()), r.values()));
        return byKey;
    }

    @Test
    void derivedFieldsAreGroupedFilteredAggregatedAndTimedLikeDecodedOnes() {
        String yaml = """
                metrics:
                  - name: by_level
                    derive:
                      level: "msg.split(' ')[0].upperAscii()"
                      cents: "int(price * 100.0)"
                      at: "secs * 1000"
                    filter: "level != 'DEBUG'"
                    group_by: [level]
                    timestamp: at
                    aggregates:
                      - {name: n, fn: count}
                      - {name: total_cents, fn: sum, field: cents}
                """;
        // Levels written in any case; DEBUG is filtered out by its derived value.
        List<WindowResult> results = run(yaml,
                "{\"msg\":\"warn disk\",\"price\":1.25,\"secs\":1764133200}",
                "{\"msg\":\"WARN cpu\",\"price\":0.5,\"secs\":1764133201}",
                "{\"msg\":\"error x\",\"price\":2.0,\"secs\":1764133202}",
                "{\"msg\":\"debug y\",\"price\":9.0,\"secs\":1764133203}");

        assertThat(deadLetters).isEmpty();
        assertThat(byKey(results)).isEqualTo(Map.of(
                "WARN", Map.of("n", 2L, "total_cents", 175L),
                "ERROR", Map.of("n", 1L, "total_cents", 200L)));
        // secs * 1000 is the event time: 1764133200 s lies in the minute starting at 1764133200 - 1764133200 % 60.
        assertThat(results).allSatisfy(r -> assertThat(r.windowStart().getEpochSecond())
                .isEqualTo(1764133200L - 1764133200L % 60));
    }

    @Test
    void aDerivedFieldReadsTheOnesBeforeItAndHidesADecodedFieldOfItsName() {
        String yaml = """
                metrics:
                  - name: m
                    timestamp: arrival
                    derive:
                      page: "page.lowerAscii()"
                      section: "page.split('/')[1]"
                    group_by: [section, page]
                    aggregates: [{name: count, fn: count}]
                """;
        List<WindowResult> results = run(yaml, "{\"page\":\"/Shop/Cart\"}", "{\"page\":\"/shop/cart\"}");

        assertThat(deadLetters).isEmpty();
        assertThat(byKey(results)).isEqualTo(Map.of("shop|/shop/cart", Map.of("count", 2L)));
    }

    @Test
    void aMissingInputLeavesTheFieldMissingAndAFailingExpressionIsADeadLetterOfThatMetricOnly() {
        String yaml = """
                metrics:
                  - name: parsed
                    timestamp: arrival
                    derive: {status: "regexGroup(line, r'\\\\S+ (\\\\d{3})', 1)", size: "int(bytes)"}
                    aggregates:
                      - {name: n, fn: count}
                      - {name: bytes, fn: sum, field: size}
                      - {name: statuses, fn: distinct, field: status}
                  - name: all
                    timestamp: arrival
                    aggregates: [{name: count, fn: count}]
                """;
        List<WindowResult> results = run(yaml,
                "{\"line\":\"GET 200\",\"bytes\":\"10\"}",
                "{\"line\":\"GET 404\"}",                       // no bytes: size missing, skipped by sum
                "{\"line\":\"GET 500\",\"bytes\":\"ten\"}",     // int('ten') fails: a dead letter for parsed
                "{\"line\":\"no status here\",\"bytes\":\"5\"}"); // no match: status null, skipped by distinct

        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.reason()).startsWith("derive.size of metric parsed: ").doesNotContain("\n");
            assertThat(new String(d.record().data())).contains("ten");
        });
        Map<String, Object> parsed = results.stream().filter(r -> r.metric().equals("parsed")).findFirst()
                .orElseThrow().values();
        assertThat(parsed).containsEntry("n", 3L).containsEntry("bytes", 15L);
        Map<String, Object> all = results.stream().filter(r -> r.metric().equals("all")).findFirst()
                .orElseThrow().values();
        assertThat(all).containsEntry("count", 4L);
    }

    @Test
    void twoMetricsMayDeriveOneNameDifferently() {
        String yaml = """
                metrics:
                  - name: upper
                    timestamp: arrival
                    derive: {k: "type.upperAscii()"}
                    group_by: [k]
                    aggregates: [{name: count, fn: count}]
                  - name: raw
                    timestamp: arrival
                    group_by: [type]
                    aggregates: [{name: count, fn: count}]
                  - name: first_letter
                    timestamp: arrival
                    derive: {k: "slice(type, 0, 1)"}
                    group_by: [k]
                    aggregates: [{name: count, fn: count}]
                """;
        List<WindowResult> results = run(yaml, "{\"type\":\"click\"}", "{\"type\":\"view\"}");

        Map<String, List<String>> keys = new TreeMap<>();
        results.forEach(r -> keys.computeIfAbsent(r.metric(), m -> new ArrayList<>()).addAll(r.key().values()));
        keys.values().forEach(java.util.Collections::sort);
        assertThat(keys).isEqualTo(Map.of("upper", List.of("CLICK", "VIEW"), "raw", List.of("click", "view"),
                "first_letter", List.of("c", "v")));
    }
}
