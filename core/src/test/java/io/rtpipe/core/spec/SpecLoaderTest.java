package io.rtpipe.core.spec;

import io.rtpipe.core.aggregate.AggregatorRegistry;
import io.rtpipe.core.aggregate.TopKRow;
import io.rtpipe.core.budget.MemoryBudget;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecLoaderTest {
    private static final String FULL = """
            memory_budget: {per_shard: 1GB}   # the hopping quantile's worst case is 886 MB at 1,000 events/s
            metrics:
              - name: revenue_by_page
                filter: "type == 'purchase' && amount > 0"
                group_by: [page, user.country]
                timestamp: ts
                window: {type: hopping, size: 5m, slide: 1m}
                allowed_lateness: 10s
                dedup: {field: event_id}
                max_keys_per_window: 5000
                aggregates:
                  - {name: orders, fn: count}
                  - {name: revenue, fn: sum, field: amount}
                  - {name: users, fn: distinct, field: user_id}
                  - {name: p99_amount, fn: quantile, field: amount, q: 0.99}
                  - {name: top_pages, fn: topk, field: page, k: 10}
                  - {name: first_user, fn: first, field: user_id}
              - name: sessions
                timestamp: arrival
                window: {type: session, gap: 30s}
                aggregates:
                  - {name: n, fn: count}
            """;

    private final SpecLoader loader = new SpecLoader(AggregatorRegistry.builtins());

    @Test
    void loadsEveryPartOfAFullSpec() {
        EngineConfig config = loader.parse("metrics.yaml", FULL);

        assertThat(config.metrics()).hasSize(2);
        assertThat(config.decoder()).isEqualTo(DecoderSpec.json());
        assertThat(config.memoryBudget()).isEqualTo(new MemoryBudget(1L << 30, 1_000, 64));
        MetricSpec revenue = config.metrics().get(0);
        assertThat(revenue.name()).isEqualTo("revenue_by_page");
        assertThat(revenue.filter().matches(Map.of("type", "purchase", "amount", 3.5))).isTrue();
        assertThat(revenue.filter().matches(Map.of("type", "view", "amount", 3.5))).isFalse();
        assertThat(revenue.groupBy()).containsExactly(FieldPath.parse("page"),
                new FieldPath(List.of("user", "country")));
        assertThat(revenue.timestamp()).isEqualTo(TimestampSource.field("ts"));
        assertThat(revenue.windows()).isEqualTo(HoppingWindows.of(Duration.ofMinutes(5), Duration.ofMinutes(1)));
        assertThat(revenue.allowedLateness()).isEqualTo(Duration.ofSeconds(10));
        assertThat(revenue.dedupField()).isEqualTo(FieldPath.parse("event_id"));
        assertThat(revenue.maxKeysPerWindow()).isEqualTo(5000);
        assertThat(revenue.aggregates()).extracting(AggregateSpec::name)
                .containsExactly("orders", "revenue", "users", "p99_amount", "top_pages", "first_user");
        assertThat(revenue.aggregates()).extracting(AggregateSpec::fn)
                .containsExactly("count", "sum", "distinct", "quantile", "topk", "first");
        assertThat(revenue.aggregates().get(0).field()).isNull();
        assertThat(revenue.aggregates().get(1).field()).isEqualTo(FieldPath.parse("amount"));

        MetricSpec sessions = config.metrics().get(1);
        assertThat(sessions.filter()).isNull();
        assertThat(sessions.groupBy()).isEmpty();
        assertThat(sessions.timestamp()).isEqualTo(TimestampSource.arrivalTime());
        assertThat(sessions.windows()).isEqualTo(SessionWindows.withGap(Duration.ofSeconds(30)));
        assertThat(sessions.allowedLateness()).isEqualTo(MetricSpec.DEFAULT_ALLOWED_LATENESS);
        assertThat(sessions.dedupField()).isNull();
        assertThat(sessions.maxKeysPerWindow()).isEqualTo(MetricSpec.DEFAULT_MAX_KEYS_PER_WINDOW);
    }

    @Test
    void timestampMappingTakesFormatAndMaxAhead() {
        EngineConfig config = loader.parse("metrics.yaml", """
                metrics:
                  - name: m
                    timestamp: {field: meta.time, format: iso8601, max_ahead: 10m}
                    aggregates: [{name: c, fn: count}]
                """);
        assertThat(config.metrics().get(0).timestamp()).isEqualTo(new TimestampSource.EventTimeField(
                new FieldPath(List.of("meta", "time")), TimestampSource.TimeFormat.ISO_8601, Duration.ofMinutes(10)));
    }

    @Test
    void configuredParametersReachTheAggregators() {
        var aggregates = loader.parse("metrics.yaml", FULL).metrics().get(0).aggregates();
        var p99 = aggregates.get(3).aggregator().newState();
        for (int i = 1; i <= 1000; i++) {
            p99.addLong(i, 0, RecordPosition.of("1"));
        }
        // rank floor(0.99 * 999) = 989 -> value 990, within 1%
        assertThat((Double) p99.result()).isBetween(990 * 0.99, 990 * 1.01);

        var top = aggregates.get(4).aggregator().newState();
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j <= i; j++) {
                top.addString("p" + i, 0, RecordPosition.of("1"));
            }
        }
        @SuppressWarnings("unchecked")
        List<TopKRow> rows = (List<TopKRow>) top.result();
        assertThat(rows).hasSize(10).first().isEqualTo(new TopKRow("p19", 20));
    }

    @Test
    void theBuiltInMetricWrittenAsYamlIsTheBuiltInMetric() {
        // The YAML docs/metrics.md shows for the built-in metric.
        MetricSpec loaded = loader.parse("m.yaml", """
                metrics:
                  - name: events_per_minute
                    group_by: [type]
                    timestamp: ts
                    window: {type: tumbling, size: 1m}
                    allowed_lateness: 5s
                    dedup: {field: event_id}
                    aggregates:
                      - {name: count, fn: count}
                """).metrics().get(0);
        MetricSpec builtIn = MetricSpec.eventsPerMinute();
        assertThat(loaded.toString()).isEqualTo(builtIn.toString());
        assertThat(EngineConfig.defaults().metrics()).singleElement().hasToString(builtIn.toString());
    }

    @Test
    void loadsFromAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.yaml");
        Files.writeString(file, "metrics:\n  - name: x\n    aggregates: [{name: c, fn: count}]\n");
        assertThat(loader.load(file).metrics()).singleElement().extracting(MetricSpec::name).isEqualTo("x");

        Files.writeString(file, "metrics: []\n");
        assertThatThrownBy(() -> loader.load(file))
                .hasMessage(file + ":1: metrics: found a list, expected at least one metric");
    }

    /** Each row: the body of metrics[0] (after "metrics:\n  - "), then the exact message expected. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `name: m
                window: {type: tumbling, size: 1 minute}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].window.size: found "1 minute", expected a duration such as 30s, 1m, 1h`
            `name: m
                window: {type: tumbling, size: 60}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].window.size: found 60, expected a duration such as 30s, 1m, 1h`
            `name: m
                window: {type: tumbling, size: 0s}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].window.size: found "0s", expected a duration from 1ms to 366d`
            `name: m
                window: {type: tumbling}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].window.size: found nothing, expected a duration such as 30s, 1m, 1h`
            `name: m
                window: {type: sliding, size: 1m}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].window.type: found "sliding", expected one of tumbling, hopping, session, stagger`
            `name: m
                window: {type: hopping, size: 5m, slide: 2m}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].window.slide: found "2m", expected a slide that divides the size 300s evenly`
            `name: m
                window: {type: session, gap: 30s, size: 1m}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].window.size: found an unknown key, expected one of type, gap, max_length`
            `name: m
                windw: {type: tumbling, size: 1m}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].windw: found an unknown key, expected one of name, derive, filter, group_by, timestamp, window, allowed_lateness, dedup, max_keys_per_window, aggregates, outputs, alert`
            `name: Revenue
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:2: metrics[0].name: found "Revenue", expected a metric name of 1-63 lower-case letters, digits or underscores starting with a letter`
            `aggregates: [{name: c, fn: count}]` | `metrics.yaml:2: metrics[0].name: found nothing, expected a metric name of 1-63 lower-case letters, digits or underscores starting with a letter`
            `name: m` | `metrics.yaml:2: metrics[0].aggregates: found nothing, expected a list of aggregates such as [{name: orders, fn: count}]`
            `name: m
                aggregates: []` | `metrics.yaml:3: metrics[0].aggregates: found a list, expected at least one aggregate`
            `name: m
                aggregates: [{name: c, fn: median, field: x}]` | `metrics.yaml:3: metrics[0].aggregates[0].fn: found "median", expected one of avg, count, distinct, first, hotspots, last, max, min, quantile, random_cut_forest, random_cut_forest_with_explanation, sum, topk`
            `name: m
                aggregates: [{name: s, fn: sum}]` | `metrics.yaml:3: metrics[0].aggregates[0].field: found nothing, expected the field that sum aggregates, such as amount`
            `name: m
                aggregates: [{name: p, fn: quantile, field: x, q: 1.5}]` | `metrics.yaml:3: metrics[0].aggregates[0].q: found 1.5, expected a number strictly between 0 and 1, such as 0.99`
            `name: m
                aggregates: [{name: p, fn: quantile, field: x, q: "high"}]` | `metrics.yaml:3: metrics[0].aggregates[0].q: found "high", expected a number`
            `name: m
                aggregates: [{name: p, fn: quantile, field: x}]` | `metrics.yaml:3: metrics[0].aggregates[0].q: found nothing, expected a number strictly between 0 and 1, such as 0.99`
            `name: m
                aggregates: [{name: t, fn: topk, field: x, k: 0}]` | `metrics.yaml:3: metrics[0].aggregates[0].k: found 0, expected a whole number from 1 to 100000`
            `name: m
                aggregates: [{name: d, fn: distinct, field: x, lg_k: 30}]` | `metrics.yaml:3: metrics[0].aggregates[0].lg_k: found 30, expected a whole number from 4 to 19 (from 20 the sketch is over the 400 KB a results item holds)`
            `name: m
                aggregates: [{name: d, fn: distinct, field: x, lg_k: 21}]` | `metrics.yaml:3: metrics[0].aggregates[0].lg_k: found 21, expected a whole number from 4 to 19 (from 20 the sketch is over the 400 KB a results item holds)`
            `name: m
                aggregates: [{name: s, fn: sum, field: x, q: 0.5}]` | `metrics.yaml:3: metrics[0].aggregates[0].q: found an unknown key, expected one of name, fn, field`
            `name: m
                aggregates: [{name: c, fn: count}, {name: c, fn: sum, field: x}]` | `metrics.yaml:3: metrics[0].aggregates[1].name: found "c" again (first on line 3), expected an aggregate name used once`
            `name: m
                filter: "type =="
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].filter: found "type ==", expected a CEL expression that yields a bool (column 8: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER})`
            `name: m
                filter: "amount + 1"
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].filter: found "amount + 1", expected a CEL expression that yields a bool (column 8: expected type 'bool' but found 'int')`
            `name: m
                group_by: [page, page]
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].group_by[1]: found "page", expected each group-by field once`
            `name: m
                group_by: [user..country]
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].group_by[0]: found "user..country", expected a field path such as amount or user.country`
            `name: m
                group_by: page
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].group_by: found "page", expected a list of field paths such as [page, user.country]`
            `name: m
                timestamp: 17
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].timestamp: found 17, expected a field path such as ts, the word arrival, or {field: PATH, format: FORMAT, max_ahead: 1h}`
            `name: m
                timestamp: {field: ts, format: seconds}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].timestamp.format: found "seconds", expected one of epoch_millis, epoch_seconds, iso8601`
            `name: m
                timestamp: {field: ts, max_ahead: soon}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].timestamp.max_ahead: found "soon", expected a duration such as 30s, 1m, 1h`
            `name: m
                allowed_lateness: -5s
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].allowed_lateness: found "-5s", expected a duration such as 30s, 1m, 1h`
            `name: m
                dedup: {field: event_id, horizon: 10m}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].dedup.horizon: found an unknown key, expected one of field`
            `name: m
                max_keys_per_window: 0
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].max_keys_per_window: found 0, expected a whole number from 1 to 2147483647`
            `name: m
                window: {type: hopping, size: 1d, slide: 1s}
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].window.slide: found "1s", expected a slide of at least 1/1000 of the size 86400s`
            `name: m
                name: n
                aggregates: [{name: c, fn: count}]` | `metrics.yaml:3: metrics[0].name: found the key a second time (first on line 2), expected each key once per mapping`
            """)
    void reportsEachMistakeAsOneLocatedSentence(String metricBody, String expectedMessage) {
        String yaml = "metrics:\n  - " + metricBody + "\n";

        assertThatThrownBy(() -> loader.parse("metrics.yaml", yaml))
                .isInstanceOf(SpecException.class)
                .hasMessage(expectedMessage);
    }

    @Test
    void duplicateMetricNamesPointAtTheSecond() {
        String yaml = """
                metrics:
                  - name: m
                    aggregates: [{name: c, fn: count}]
                  - name: m
                    aggregates: [{name: c, fn: count}]
                """;
        assertThatThrownBy(() -> loader.parse("metrics.yaml", yaml)).hasMessage(
                "metrics.yaml:4: metrics[1].name: found \"m\" again (first on line 2), expected a metric name used once");
    }

    @Test
    void documentLevelMistakes() {
        assertThatThrownBy(() -> loader.parse("a.yaml", "")).hasMessage(
                "a.yaml:1: found an empty file, expected a mapping with a list under \"metrics\"");
        assertThatThrownBy(() -> loader.parse("a.yaml", "metric: []\n")).hasMessage(
                "a.yaml:1: metric: found an unknown key, expected one of decoder, memory_budget, references, metrics");
        assertThatThrownBy(() -> loader.parse("a.yaml", "- 1\n")).hasMessage(
                "a.yaml:1: found a list, expected a mapping with a list under \"metrics\"");
        assertThatThrownBy(() -> loader.parse("a.yaml", "metrics:\n  - name: [\n"))
                .isInstanceOf(SpecException.class)
                .hasMessage("a.yaml:2: found invalid YAML (while parsing a flow node expected the node content, "
                        + "but found '<stream end>'), expected well-formed YAML");
    }

    @Test
    void exceptionCarriesItsParts() {
        SpecException e = (SpecException) org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse("f.yaml",
                "metrics:\n  - name: m\n    window: {type: tumbling, size: 1 minute}\n    aggregates: [{name: c, fn: count}]\n"));
        assertThat(e.file()).isEqualTo("f.yaml");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).isEqualTo("metrics[0].window.size");
        assertThat(e.found()).isEqualTo("\"1 minute\"");
        assertThat(e.expected()).isEqualTo("a duration such as 30s, 1m, 1h");
    }

    // Memory budget. The figures are the documented formula (docs/metrics.md, *Memory budget*) worked out here by
    // hand: key-windows = min(open windows × (max_keys_per_window + 1), values held at the assumed rate); a
    // key-window is 256 B plus 40 B + value_bytes per group-by field; an aggregate's bytes are
    // min(K × max, K × empty + values × per value) with its documented sizes.

    @Test
    void budgetRefusesAMetricOverItNamingTheMetricItsEstimateAndTheLargestPart() {
        String yaml = """
                metrics:
                  - name: pages
                    group_by: [page]
                    aggregates: [{name: views, fn: count}]
                  - name: visitors
                    group_by: [page]
                    window: {type: tumbling, size: 1h}
                    allowed_lateness: 0s
                    max_keys_per_window: 1000000
                    aggregates:
                      - {name: users, fn: distinct, field: user_id, lg_k: 19}
                """;
        // 1 open window (lateness 0), 3,600,000 values an hour at 1,000/s, so the 1,000,001 keys are the bound.
        long keyWindows = 1_000_001;
        long values = 3_600_000;
        long keys = keyWindows * (256 + 40 + 64);
        long hll = 3L * (1 << 19) / 4 + 256;                  // 393,472
        long perValue = (hll - 120 + 128) / 129;              // the jump to the sketch after 128 exact items
        long distinct = Math.min(keyWindows * hll, keyWindows * 120 + values * perValue);
        assertThat(perValue).isEqualTo(3_050);
        String total = gb(keys + distinct);
        String largest = gb(distinct);

        assertThatThrownBy(() -> loader.parse("metrics.yaml", yaml)).isInstanceOf(SpecException.class).hasMessage(
                "metrics.yaml:5: metrics[1] (visitors): found a worst-case window state of " + total + " per shard"
                        + " (1 open window × 1,000,001 keys = 1,000,001 key-windows, largest part users ="
                        + " distinct(user_id, lg_k=19) " + largest + "), expected at most the 512 MB"
                        + " memory_budget.per_shard (assuming 1,000 events/s per shard, values up to 64 bytes:"
                        + " lower max_keys_per_window or lower lg_k of users, or raise memory_budget.per_shard)");
    }

    @Test
    void budgetAdviceNamesOnlyParametersThatShrinkTheState() {
        String yaml = """
                metrics:
                  - name: latency
                    group_by: [host]
                    aggregates:
                      - {name: a, fn: random_cut_forest, fields: [ms], number_of_trees: 200, time_decay: 10,
                         threshold: 3}
                      - {name: p, fn: quantile, field: ms, q: 0.9, relative_accuracy: 0.05}
                """;
        assertThatThrownBy(() -> loader.parse("metrics.yaml", yaml)).isInstanceOf(SpecException.class)
                .hasMessageContaining("or lower number_of_trees of a, or raise memory_budget.per_shard)")
                .hasMessageNotContaining("time_decay of").hasMessageNotContaining("threshold of");
    }

    @Test
    void budgetAcceptsTheReadmeSpecAndRecordsTheBudget() {
        EngineConfig config = loader.parse("metrics.yaml", """
                metrics:
                  - name: revenue_by_page
                    filter: "type == 'purchase' && amount > 0"
                    group_by: [page, geo.country]
                    window: {type: tumbling, size: 1m}
                    dedup: {field: event_id}
                    aggregates:
                      - {name: orders, fn: count}
                      - {name: revenue, fn: sum, field: amount}
                      - {name: buyers, fn: distinct, field: user_id}
                      - {name: p99_amount, fn: quantile, field: amount, q: 0.99}
                      - {name: top_pages, fn: topk, field: page, k: 10}
                """);

        assertThat(config.memoryBudget()).isEqualTo(new MemoryBudget(512L << 20, 1_000, 64));
        assertThat(io.rtpipe.core.budget.StateEstimate.of(config.metrics().get(0), config.memoryBudget()).bytes())
                .isLessThan(512L << 20);
    }

    @Test
    void staggerWindowsAndHotspotsAreEstimated() {
        // Stagger 10s without lateness: values are the events of one size, 10,000 at 1,000/s, fewer than the
        // 2 slices × 100,001 keys, so 10,000 key-windows of 256 B; hotspots holds a point per value, 56 + 8 per field
        // (x, y: 72 B), on top of 64 B per state.
        EngineConfig config = loader.parse("m.yaml", """
                metrics:
                  - name: dense
                    window: {type: stagger, size: 10s}
                    allowed_lateness: 0s
                    aggregates: [{name: h, fn: hotspots, fields: [x, "y"], scan_radius: 0.5}]
                """);
        io.rtpipe.core.budget.StateEstimate estimate = io.rtpipe.core.budget.StateEstimate.of(
                config.metrics().get(0), config.memoryBudget());
        assertThat(estimate.openWindows()).isEqualTo(2);
        assertThat(estimate.keyWindows()).isEqualTo(10_000);
        assertThat(estimate.bytes()).isEqualTo(10_000L * 256 + 10_000L * 64 + 10_000L * 72);
    }

    @Test
    void budgetBoundaryIsInclusive() {
        // No group-by, count only, tumbling 1m without lateness: 1 open window; 60,000 values at 1,000/s are fewer
        // than the 100,001 keys, so 60,000 key-windows of 256 B + a 24 B count.
        long bytes = 60_000L * (256 + 24);
        String spec = """
                memory_budget: {per_shard: %dB}
                metrics:
                  - name: n
                    allowed_lateness: 0s
                    aggregates: [{name: c, fn: count}]
                """;

        assertThat(loader.parse("m.yaml", spec.formatted(bytes)).memoryBudget().perShardBytes()).isEqualTo(bytes);
        assertThatThrownBy(() -> loader.parse("m.yaml", spec.formatted(bytes - 1))).hasMessage(
                "m.yaml:3: metrics[0] (n): found a worst-case window state of 16 MB per shard (60,000 key-windows"
                        + " (the 60,000 values 1 open window hold at the assumed rate), largest part keys 15 MB),"
                        + " expected at most the 16 MB memory_budget.per_shard (assuming 1,000 events/s per shard,"
                        + " values up to 64 bytes: shorten the window or allowed_lateness, or raise"
                        + " memory_budget.per_shard)");
    }

    @Test
    void budgetAssumptionsScaleTheEstimateAndMetricsCountTogether() {
        // Each metric alone: 2 open windows (1m, 5s lateness), 65,000 values at 1,000/s; dedup ids at 80 + 64 B.
        long one = 65_000L * (256 + 24) + 65_000L * (80 + 64);
        String spec = """
                memory_budget: {per_shard: %dB, events_per_second: %d}
                metrics:
                  - name: a
                    dedup: {field: event_id}
                    aggregates: [{name: c, fn: count}]
                  - name: b
                    dedup: {field: event_id}
                    aggregates: [{name: c, fn: count}]
                """;

        assertThat(loader.parse("m.yaml", spec.formatted(2 * one, 1_000)).metrics()).hasSize(2);
        assertThatThrownBy(() -> loader.parse("m.yaml", spec.formatted(2 * one - 1, 1_000)))
                .hasMessageStartingWith("m.yaml:3: metrics: found a worst-case window state of 53 MB per shard for"
                        + " the 2 metrics together (the largest metrics[0] (a) 26 MB: ");
        assertThatThrownBy(() -> loader.parse("m.yaml", spec.formatted(2 * one, 3_000)))
                .hasMessageStartingWith("m.yaml:3: metrics[0] (a): found a worst-case window state of 79 MB");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "memory_budget: 512MB|m.yaml:1: memory_budget: found \"512MB\", expected a mapping such as {per_shard: 512MB, events_per_second: 1000, value_bytes: 64}",
            "memory_budget: {per_shard: 1 GB}|m.yaml:1: memory_budget.per_shard: found \"1 GB\", expected a size such as 512MB or 2GB (units B, KB, MB, GB, TB of 1,024)",
            "memory_budget: {per_shard: 0MB}|m.yaml:1: memory_budget.per_shard: found \"0MB\", expected a size such as 512MB or 2GB (units B, KB, MB, GB, TB of 1,024)",
            "memory_budget: {events_per_second: 0}|m.yaml:1: memory_budget.events_per_second: found 0, expected a whole number from 1 to 1,000,000,000",
            "memory_budget: {value_bytes: 2000000}|m.yaml:1: memory_budget.value_bytes: found 2000000, expected a whole number from 1 to 1,048,576",
            "memory_budget: {rate: 5}|m.yaml:1: memory_budget.rate: found an unknown key, expected one of per_shard, events_per_second, value_bytes"})
    void budgetMistakesAreLocatedSentences(String budget, String message) {
        assertThatThrownBy(() -> loader.parse("m.yaml", budget + "\nmetrics: [{name: n, aggregates: [{name: c, fn: count}]}]\n"))
                .hasMessage(message);
    }

    /** Bytes as the messages write them from 10 GB up: whole units of 1,024³. */
    private static String gb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%,.0f GB", bytes / (double) (1L << 30));
    }
}
