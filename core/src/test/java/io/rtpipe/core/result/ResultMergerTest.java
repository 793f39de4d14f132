package io.rtpipe.core.result;

import io.rtpipe.core.aggregate.AggregateState;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.MetricSpec;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        String line = MergedResultJson.toJsonLine(result, true);
        assertThat(line).isEqualTo("{\"metric\":\"events_per_minute\",\"window_start\":\"2026-11-26T05:00:00Z\","
                + "\"window_end\":\"2026-11-26T05:01:00Z\",\"final\":true,\"key\":{\"type\":\"click\"},\"values\":{\"count\":123}}");
        assertThat(MergedResultJson.fromJsonLine(line)).isEqualTo(result);

        var out = new java.io.StringWriter();
        MergedResultJson.writeLines(List.of(result, result), r -> false, out);
        String partial = line.replace("\"final\":true", "\"final\":false");
        assertThat(out.toString()).isEqualTo(partial + "\n" + partial + "\n");
        assertThatThrownBy(() -> MergedResultJson.fromJsonLine("[1]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> MergedResultJson.fromJsonLine("{\"metric\":\"m\",\"window_start\":\"x\","
                + "\"window_end\":\"y\"}")).hasMessageContaining("not an ISO-8601 instant");
    }

    /**
     * Partials written before the engine dead-lettered non-finite numbers can hold Infinity: an exact-form quantile
     * (the values themselves), sums, extrema and averages. A query merges them with newer partials (a quantile
     * sketch among them) without throwing, and prints them.
     */
    @Test
    void oldPartialsHoldingInfinityMergeAndPrint() {
        MetricSpec spec = MetricSpec.builder("latency").groupBy("page").aggregates(
                AggregateSpec.of("p50", "quantile", "ms", Map.of("q", 0.5)), AggregateSpec.of("total", "sum", "ms", Map.of()),
                AggregateSpec.of("low", "min", "ms", Map.of()), AggregateSpec.of("high", "max", "ms", Map.of()),
                AggregateSpec.of("mean", "avg", "ms", Map.of())).build();
        ResultMerger latency = new ResultMerger(EngineConfig.builder().metrics(List.of(spec)).build());
        List<WindowResult> partials = new ArrayList<>();
        for (int shard = 0; shard < 3; shard++) {
            Map<String, Object> values = new LinkedHashMap<>();
            // shard 0: an old exact form holding -Infinity, 1 and Infinity; shards 1, 2: 100 values each (a sketch
            // once merged with the others)
            values.put("p50", shard == 0 ? oldExactQuantile(Double.NEGATIVE_INFINITY, 1, Double.POSITIVE_INFINITY)
                    : partialOf(spec, "p50", 100, shard));
            for (String name : List.of("total", "low", "high", "mean")) {
                AggregateState state = spec.aggregate(name).aggregator().newState();
                state.addDouble(shard == 0 ? Double.POSITIVE_INFINITY : -1e308, 0, null);
                state.addLong(shard, 0, null);
                values.put(name, state.partial());
            }
            partials.add(new WindowResult("latency", T0, T1, Map.of("page", "a"), "shard-" + shard, values));
        }

        MergedResult merged = latency.merge(partials).get(0);

        assertThat((Double) merged.values().get("p50")).isFinite();
        assertThat(merged.values().get("total")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(merged.values().get("low")).isEqualTo(-1e308);
        assertThat(merged.values().get("high")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(merged.values().get("mean")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(MergedResultJson.toJsonLine(merged, true)).contains("\"total\":\"Infinity\"");
    }

    /** The exact form quantile partials had before the engine clamped values: {@code [0xE6, 1, n, values...]}. */
    private static byte[] oldExactQuantile(double... ascending) {
        ByteBuffer bytes = ByteBuffer.allocate(6 + 8 * ascending.length).put((byte) 0xE6).put((byte) 1)
                .putInt(ascending.length);
        for (double value : ascending) {
            bytes.putDouble(value);
        }
        return bytes.array();
    }

    private static Object partialOf(MetricSpec spec, String aggregate, int n, int seed) {
        AggregateState state = spec.aggregate(aggregate).aggregator().newState();
        for (int i = 0; i < n; i++) {
            state.addLong(seed * 1000L + i, 0, null);
        }
        return state.partial();
    }
}
