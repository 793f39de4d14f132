package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.record.InputRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Declarative metric features through the engine: key cap, value types, nested keys, sessions. */
class ShardEngineMetricsTest {
    private final Records records = new Records();

    private static ShardEngine engine(MetricSpec... metrics) {
        return new ShardEngine(EngineConfig.builder().metrics(List.of(metrics)).build(), "s", ShardProgress.initial());
    }

    private static List<WindowResult> run(ShardEngine engine, InputRecord... input) {
        for (InputRecord record : input) {
            engine.process(record);
        }
        engine.endOfInput();
        return engine.takeFiredResults();
    }

    @Test
    void keysBeyondTheCapAreAggregatedUnderTheOverflowKey() {
        ShardEngine engine = engine(MetricSpec.builder("per_page").groupBy("page").maxKeysPerWindow(2).build());
        List<WindowResult> results = run(engine,
                records.raw("{\"ts\":1,\"page\":\"a\"}"), records.raw("{\"ts\":2,\"page\":\"b\"}"),
                records.raw("{\"ts\":3,\"page\":\"c\"}"), records.raw("{\"ts\":4,\"page\":\"a\"}"),
                records.raw("{\"ts\":5,\"page\":\"d\"}"), records.raw("{\"ts\":60001,\"page\":\"d\"}"));
        assertThat(results).extracting(r -> r.windowStart().toEpochMilli() + r.key().toString() + r.values())
                .containsExactly("0{page=a}{count=2}", "0{page=b}{count=1}", "0{page=__overflow__}{count=2}",
                        "60000{page=d}{count=1}");
        assertThat(engine.stats().overflowed()).isEqualTo(2);
    }

    @Test
    void aRealValueThatReadsLikeTheOverflowKeyStaysApartFromTheOverflowBucket() {
        ShardEngine engine = engine(MetricSpec.builder("per_page").groupBy("page", "kind").maxKeysPerWindow(2).build());
        List<WindowResult> results = run(engine,
                records.raw("{\"ts\":1,\"page\":\"__overflow__\",\"kind\":\"__overflow__\"}"),
                records.raw("{\"ts\":2,\"page\":\"\\\\__overflow__\",\"kind\":\"x__overflow__\"}"),
                records.raw("{\"ts\":3,\"page\":\"c\",\"kind\":\"k\"}"),
                records.raw("{\"ts\":4,\"page\":\"__overflow__\",\"kind\":\"__overflow__\"}"));
        assertThat(results).extracting(r -> r.key().toString() + r.values()).containsExactly(
                "{page=\\__overflow__, kind=\\__overflow__}{count=2}",
                "{page=\\\\__overflow__, kind=x__overflow__}{count=1}",
                "{page=__overflow__, kind=__overflow__}{count=1}");
    }

    @Test
    void aggregatedFieldsOfTheWrongTypeAreDeadLettersAndMissingValuesAreSkipped() {
        MetricSpec spec = MetricSpec.builder("amounts").aggregates(AggregateSpec.count(),
                AggregateSpec.of("total", "sum", "order.amount", Map.of()),
                AggregateSpec.of("lo", "min", "order.amount", Map.of()),
                AggregateSpec.of("firsts", "first", "tag", Map.of())).build();
        ShardEngine engine = engine(spec);
        InputRecord first = records.raw("{\"ts\":3,\"order\":{\"amount\":2.5},\"tag\":true}");
        InputRecord nullAmount = records.raw("{\"ts\":4,\"order\":{\"amount\":null}}");
        InputRecord noAmount = records.raw("{\"ts\":5}");
        InputRecord text = records.raw("{\"ts\":1,\"order\":{\"amount\":\"12\"}}");
        InputRecord object = records.raw("{\"ts\":2,\"tag\":{\"a\":1}}");
        List<WindowResult> results = run(engine, first, nullAmount, noAmount, text, object,
                records.raw("{\"ts\":6,\"order\":{\"amount\":4}}"));
        assertThat(results).singleElement().satisfies(r -> assertThat(r.values())
                .containsEntry("count", 4L).containsEntry("total", 6.5).containsEntry("lo", 2.5)
                .hasEntrySatisfying("firsts", partial -> assertThat(spec.aggregate("firsts").aggregator()
                        .result(partial)).isEqualTo("true")));
        assertThat(engine.planCheckpoint().orElseThrow().deadLetters()).containsExactly(
                new DeadLetter(text, "order.amount: expected a number, found string"),
                new DeadLetter(object, "tag: expected a string, number or boolean, found object"));
    }

    @Test
    void aMetricWithNothingToAggregateLeavesEmptyValuesOut() {
        ShardEngine engine = engine(MetricSpec.builder("m").aggregates(AggregateSpec.of("lo", "min", "x",
                Map.of())).build());
        assertThat(run(engine, records.raw("{\"ts\":1}"))).singleElement()
                .satisfies(r -> assertThat(r.values()).isEmpty());
    }

    @Test
    void nestedGroupByPathsNameTheKeyAndFilteredOutEventsNeedNoFields() {
        ShardEngine engine = engine(MetricSpec.builder("by_country").groupBy("user.country", "type")
                .filter(io.rtpipe.core.filter.EventFilter.compile("type != 'noise'")).build());
        List<WindowResult> results = run(engine,
                records.raw("{\"ts\":1,\"type\":\"a\",\"user\":{\"country\":\"DE\",\"x\":[1]}}"),
                records.raw("{\"type\":\"noise\"}"),
                records.raw("{\"user\":{\"country\":\"FR\"},\"type\":\"a\",\"ts\":2,\"user\":{\"country\":\"DE\"}}"));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.key()).containsExactly(Map.entry("user.country", "DE"), Map.entry("type", "a"));
            assertThat(r.values()).containsEntry("count", 2L);
        });
        assertThat(engine.stats().deadLettered()).isZero();
    }

    @Test
    void sessionsMergeWhenABridgingEventArrivesAndFireAtTheirEnd() {
        ShardEngine engine = engine(MetricSpec.builder("visits").groupBy("user")
                .windows(SessionWindows.withGap(Duration.ofSeconds(10))).allowedLateness(Duration.ofSeconds(30))
                .build());
        for (String event : List.of("{\"ts\":0,\"user\":\"u\"}", "{\"ts\":25000,\"user\":\"u\"}",
                "{\"ts\":12000,\"user\":\"u\"}", "{\"ts\":5000,\"user\":\"v\"}")) {
            engine.process(records.raw(event));
        }
        // u: [0,10s), [25s,35s) and [12s,22s) do not overlap; v: [5s,15s).
        assertThat(engine.stats().openWindows()).isEqualTo(4);
        engine.process(records.raw("{\"ts\":20000,\"user\":\"u\"}")); // [20s,30s) joins [12s,22s) and [25s,35s)
        assertThat(engine.stats().openWindows()).isEqualTo(3);
        engine.process(records.raw("{\"ts\":80000,\"user\":\"w\"}")); // watermark 50 s: all but w's fire
        assertThat(engine.takeFiredResults())
                .extracting(r -> r.key().get("user") + "@" + r.windowStart().toEpochMilli() + ".."
                        + r.windowEnd().toEpochMilli() + "=" + r.values().get("count"))
                .containsExactly("u@0..10000=1", "v@5000..15000=1", "u@12000..35000=3");
    }
}
