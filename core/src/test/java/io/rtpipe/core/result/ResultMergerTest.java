package io.rtpipe.core.result;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultMergerTest {
    private static final Instant T0 = Instant.parse("2026-11-26T05:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-26T05:01:00Z");
    private static final Instant T2 = Instant.parse("2026-11-26T05:02:00Z");

    private final ResultMerger merger = new ResultMerger(EngineConfig.defaults());

    private static WindowResult partial(Instant start, String type, String shard, long count) {
        return new WindowResult("events_per_minute", start, start.plusSeconds(60), Map.of("type", type), shard,
                Map.of("count", count));
    }

    @Test
    void sumsCountsOfAllShardsPerWindowAndKeyAndOrdersTheResult() {
        List<MergedResult> merged = merger.merge(List.of(
                partial(T1, "click", "shard-1", 5),
                partial(T0, "view", "shard-0", 2),
                partial(T0, "click", "shard-0", 3),
                partial(T0, "click", "shard-1", 4),
                partial(T0, "click", "shard-2", 10)));
        assertThat(merged).containsExactly(
                new MergedResult("events_per_minute", T0, T1, Map.of("type", "click"), Map.of("count", 17L)),
                new MergedResult("events_per_minute", T0, T1, Map.of("type", "view"), Map.of("count", 2L)),
                new MergedResult("events_per_minute", T1, T2, Map.of("type", "click"), Map.of("count", 5L)));
    }

    @Test
    void refusesInputThatCannotComeFromAStoreKeyedLikeTheSink() {
        assertThatThrownBy(() -> merger.merge(List.of(partial(T0, "a", "s", 1), partial(T0, "a", "s", 1))))
                .hasMessageContaining("two partial results of shard s");
        assertThatThrownBy(() -> merger.merge(List.of(new WindowResult("nope", T0, T1, Map.of(), "s",
                Map.of("count", 1L))))).hasMessageContaining("unknown metric 'nope'");
        assertThatThrownBy(() -> merger.merge(List.of(new WindowResult("events_per_minute", T0, T1,
                Map.of("type", "a"), "s", Map.of("sum", 1L))))).hasMessageContaining("no aggregate named 'sum'");
    }

    @Test
    void jsonLineHasTheDocumentedShapeAndReadsBack() {
        MergedResult result = new MergedResult("events_per_minute", T0, T1, Map.of("type", "click"),
                Map.of("count", 123L));
        String line = MergedResultJson.toJsonLine(result);
        assertThat(line).isEqualTo("{\"metric\":\"events_per_minute\",\"window_start\":\"2026-11-26T05:00:00Z\","
                + "\"window_end\":\"2026-11-26T05:01:00Z\",\"key\":{\"type\":\"click\"},\"values\":{\"count\":123}}");
        assertThat(MergedResultJson.fromJsonLine(line)).isEqualTo(result);

        var out = new java.io.StringWriter();
        MergedResultJson.writeLines(List.of(result, result), out);
        assertThat(out.toString()).isEqualTo(line + "\n" + line + "\n");
        assertThatThrownBy(() -> MergedResultJson.fromJsonLine("[1]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> MergedResultJson.fromJsonLine("{\"metric\":\"m\",\"window_start\":\"x\","
                + "\"window_end\":\"y\"}")).hasMessageContaining("not an ISO-8601 instant");
    }
}
