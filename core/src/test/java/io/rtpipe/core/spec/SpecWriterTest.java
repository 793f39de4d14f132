package io.rtpipe.core.spec;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.budget.MemoryBudget;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.TumblingWindows;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SpecWriterTest {

    /** Metrics built in code (not from YAML), so the loader reading the written text is the check. */
    private static EngineConfig everySetting(DecoderSpec decoder) {
        MetricSpec full = MetricSpec.builder("revenue_by_page")
                .filter(EventFilter.compile("type == 'purchase' && note != \"a \\\"b\\\" \\\\ c\" && amount > 0"))
                .groupBy("page", "user.country")
                .timestamp(new TimestampSource.EventTimeField(FieldPath.parse("meta.ts"),
                        TimestampSource.TimeFormat.ISO_8601, Duration.ofMinutes(10)))
                .windows(HoppingWindows.of(Duration.ofMinutes(5), Duration.ofMinutes(1)))
                .allowedLateness(Duration.ofMillis(1500))
                .dedup("event_id")
                .maxKeysPerWindow(1000)
                .aggregates(AggregateSpec.count(),
                        AggregateSpec.of("p99", "quantile", "amount", Map.of("q", 0.99)),
                        AggregateSpec.of("top", "topk", "page", Map.of("k", 10)),
                        AggregateSpec.of("users", "distinct", "user.id", Map.of()))
                .build();
        MetricSpec session = MetricSpec.builder("sessions").timestamp(TimestampSource.arrivalTime())
                .windows(SessionWindows.withGap(Duration.ofSeconds(30)).withMaxLength(Duration.ofHours(2)))
                .groupBy("yes").build();
        MetricSpec plain = MetricSpec.builder("plain").windows(SessionWindows.withGap(Duration.ofMinutes(1)))
                .build();
        MetricSpec stagger = MetricSpec.builder("per_ticker").groupBy("ticker")
                .windows(StaggerWindows.of(Duration.ofMinutes(1))).build();
        MetricSpec cutStagger = MetricSpec.builder("per_ticker_minute").groupBy("ticker")
                .windows(StaggerWindows.of(Duration.ofMinutes(1)).withMaxLength(Duration.ofSeconds(30))).build();
        MetricSpec tumbling = MetricSpec.builder("per_day").windows(TumblingWindows.of(Duration.ofDays(1)))
                .allowedLateness(Duration.ZERO).build();
        MetricSpec anomalies = MetricSpec.builder("anomalies").groupBy("host").maxKeysPerWindow(10)
                .aggregates(AggregateSpec.ofFields("score", "random_cut_forest", List.of("latency_ms", "net.bytes"),
                        Map.of("number_of_trees", 50, "top", 5)))
                .build();
        return EngineConfig.builder().metrics(List.of(full, session, plain, stagger, cutStagger, tumbling, anomalies)).decoder(decoder)
                .memoryBudget(new MemoryBudget(3L << 30, 200, 100)).build();
    }

    @Test
    void writtenYamlLoadsToTheSameDefinitionsAndFingerprints() {
        for (DecoderSpec decoder : List.of(DecoderSpec.json(), new DecoderSpec.Csv(List.of("ts", "type"), '\t'),
                new DecoderSpec.Regex(Pattern.compile("(?<ts>\\d+) \"(?<type>\\w+)\"")))) {
            EngineConfig config = everySetting(decoder);
            String yaml = SpecWriter.write(config);
            EngineConfig back = SpecLoader.standard().parse("written.yaml", yaml);
            assertThat(back.decoder()).as(yaml).isEqualTo(config.decoder());
            assertThat(back.memoryBudget()).as(yaml).isEqualTo(config.memoryBudget());
            assertThat(back.metrics()).hasSameSizeAs(config.metrics());
            for (int i = 0; i < config.metrics().size(); i++) {
                MetricSpec expected = config.metrics().get(i);
                MetricSpec actual = back.metrics().get(i);
                assertThat(actual.name()).isEqualTo(expected.name());
                assertThat(actual.definition()).as(yaml).isEqualTo(expected.definition());
                assertThat(actual.fingerprint()).isEqualTo(expected.fingerprint());
            }
        }
    }

    @Test
    void defaultsAreLeftOutInTheDocsStyle() {
        MetricSpec metric = MetricSpec.builder("destination_sql_stream")
                .filter(EventFilter.compile("sector == 'TECHNOLOGY'")).groupBy("ticker_symbol")
                .timestamp(TimestampSource.arrivalTime())
                .aggregates(AggregateSpec.of("avg_px", "avg", "quote.price", Map.of()), AggregateSpec.count())
                .build();
        assertThat(SpecWriter.write(EngineConfig.builder().metric(metric).build())).isEqualTo("""
                metrics:
                  - name: destination_sql_stream
                    filter: "sector == 'TECHNOLOGY'"
                    group_by: [ticker_symbol]
                    timestamp: arrival
                    window: {type: tumbling, size: 1m}
                    aggregates:
                      - {name: avg_px, fn: avg, field: quote.price}
                      - {name: count, fn: count}
                """);
    }

    @Test
    void durationsAreWrittenInTheLargestWholeUnit() {
        assertThat(SpecWriter.duration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(SpecWriter.duration(Duration.ofMinutes(60))).isEqualTo("1h");
        assertThat(SpecWriter.duration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(SpecWriter.duration(Duration.ZERO)).isEqualTo("0ms");
    }
}
