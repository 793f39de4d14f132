package io.rtpipe.core.metric;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricSpecTest {
    @Test
    void theFingerprintIsTheDefinitionsWhateverTheNameAndChangesWithEveryComponent() {
        String yaml = """
                metrics:
                  - name: %s
                    group_by: [type]
                    window: {type: tumbling, size: 60s}
                    aggregates: [{name: count, fn: count}]
                """;
        var loader = new io.rtpipe.core.spec.SpecLoader(io.rtpipe.core.aggregate.AggregatorRegistry.builtins());
        MetricSpec loaded = loader.parse("a.yaml", yaml.formatted("a")).metrics().get(0);
        MetricSpec built = MetricSpec.builder("b").groupBy("type").build();
        assertThat(loaded.fingerprint()).as("1m and 60s, YAML and builder, any name").isEqualTo(built.fingerprint())
                .matches("[0-9a-f]{16}");
        MetricSpec.Builder[] changed = {
                MetricSpec.builder("b").groupBy("page"),
                MetricSpec.builder("b").groupBy("type").allowedLateness(Duration.ofSeconds(6)),
                MetricSpec.builder("b").groupBy("type").windows(TumblingWindows.of(Duration.ofMinutes(2))),
                MetricSpec.builder("b").groupBy("type").dedup("id"),
                MetricSpec.builder("b").groupBy("type").maxKeysPerWindow(7),
                MetricSpec.builder("b").groupBy("type").aggregates(AggregateSpec.of("n", "count", null, Map.of())),
                MetricSpec.builder("b").groupBy("type").filter(io.rtpipe.core.filter.EventFilter.compile("x > 1")),
                MetricSpec.builder("b").groupBy("type").timestamp(TimestampSource.field("time"))};
        for (MetricSpec.Builder builder : changed) {
            MetricSpec other = builder.build();
            assertThat(other.fingerprint()).as(other.toString()).isNotEqualTo(built.fingerprint());
            assertThat(other.differencesFrom(built.definition())).as(other.toString()).isNotEmpty();
        }
        assertThat(MetricSpec.builder("b").groupBy("type").allowedLateness(Duration.ofSeconds(6)).build()
                .differencesFrom(built.definition())).isEqualTo("allowed_lateness: stored PT5S, now PT6S");
    }

    @Test
    void builtInMetricCountsPerTypePerMinuteOnTsOncePerEventId() {
        MetricSpec spec = MetricSpec.eventsPerMinute();
        assertThat(spec.name()).isEqualTo("events_per_minute");
        assertThat(spec.groupBy()).containsExactly(FieldPath.parse("type"));
        assertThat(spec.timestamp()).isEqualTo(TimestampSource.field("ts"));
        assertThat(spec.windows()).isEqualTo(TumblingWindows.of(Duration.ofMinutes(1)));
        assertThat(spec.allowedLateness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(spec.aggregates()).extracting(AggregateSpec::name).containsExactly("count");
        assertThat(spec.dedupField()).isEqualTo(FieldPath.parse("event_id"));
        assertThat(spec.filter()).isNull();
        assertThat(MetricSpec.builder("m").build().dedupField()).as("builder default").isNull();
    }

    @Test
    void rejectsInvalidDefinitionsWithOneSentence() {
        assertThatThrownBy(() -> MetricSpec.builder("Events")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> MetricSpec.builder("m").groupBy("a", "a")).hasMessageContaining("distinct");
        assertThatThrownBy(() -> MetricSpec.builder("m").allowedLateness(Duration.ofSeconds(-1)))
                .hasMessageContaining("allowed lateness");
        assertThatThrownBy(() -> MetricSpec.builder("m").aggregates()).hasMessageContaining("at least one");
        assertThatThrownBy(() -> MetricSpec.builder("m").aggregates(AggregateSpec.count(), AggregateSpec.count()))
                .hasMessageContaining("two aggregates");
        assertThatThrownBy(() -> MetricSpec.builder("m").maxKeysPerWindow(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> AggregateSpec.of("s", "sum", null, Map.of())).hasMessageContaining("needs a field");
        assertThatThrownBy(() -> AggregateSpec.of("s", "sum", "x", Map.of("q", 0.5)))
                .hasMessageContaining("no parameter 'q'");
        assertThatThrownBy(() -> AggregateSpec.of("s", "median", "x", Map.of())).hasMessageContaining("unknown");
        assertThatThrownBy(() -> HoppingWindows.of(Duration.ofMinutes(5), Duration.ofMinutes(2)))
                .hasMessageContaining("divide");
    }

    @Test
    void hoppingWindowsGiveEveryTimeSizeOverSlideWindowsLatestFirst() {
        HoppingWindows windows = HoppingWindows.of(Duration.ofSeconds(30), Duration.ofSeconds(10));
        assertThat(windows.windowsPerEvent()).isEqualTo(3);
        assertThat(windows.windowStart(25_000, 0)).isEqualTo(20_000);
        assertThat(windows.windowStart(25_000, 1)).isEqualTo(10_000);
        assertThat(windows.windowStart(25_000, 2)).isEqualTo(0);
        assertThat(windows.windowStart(-1, 0)).isEqualTo(-10_000);
        assertThat(windows.windowStart(20_000, 2)).as("start is inclusive").isEqualTo(0);
    }
}
