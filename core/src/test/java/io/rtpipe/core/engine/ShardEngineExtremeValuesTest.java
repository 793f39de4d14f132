package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A number no aggregate can use (1e400 parses as Infinity) is a dead letter for the metric, never a stalled shard. */
class ShardEngineExtremeValuesTest {
    private final Records records = new Records(1_800_000_000_000L);

    @Test
    void infiniteValueInAQuantileFieldIsDeadLetteredAndTheKeyStillFires() {
        MetricSpec spec = MetricSpec.builder("latency").groupBy("page").aggregates(AggregateSpec.count(),
                AggregateSpec.of("p99", "quantile", "ms", Map.of("q", 0.99))).build();
        ShardEngine engine = new ShardEngine(EngineConfig.builder().metrics(List.of(spec)).build(), "s",
                ShardProgress.initial());
        List<InputRecord> input = new ArrayList<>();
        // more than the quantile's exact phase holds, so the sketch takes the values
        for (int i = 0; i < 300; i++) {
            input.add(records.raw("{\"ts\":" + (1000 + i) + ",\"page\":\"a\",\"ms\":" + (i + 1) + "}"));
        }
        InputRecord infinite = records.raw("{\"ts\":2000,\"page\":\"a\",\"ms\":1e400}");
        InputRecord negative = records.raw("{\"ts\":2001,\"page\":\"a\",\"ms\":-1e400}");
        input.add(infinite);
        input.add(negative);
        input.forEach(engine::process);
        engine.endOfInput();
        List<WindowResult> results = engine.takeFiredResults();
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();

        assertThat(plan.deadLetters()).extracting(DeadLetter::record).containsExactly(infinite, negative);
        assertThat(plan.deadLetters()).extracting(DeadLetter::reason).allSatisfy(reason -> assertThat(reason)
                .contains("ms: outside the range of a 64-bit floating-point number"));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.values().get("count")).isEqualTo(300L);
            // rank floor(0.99 * 299) = 296 of 1..300 is 297, within the sketch's 1%
            assertThat((Double) spec.aggregate("p99").aggregator().result(r.values().get("p99"))).isBetween(297 * 0.99, 297 * 1.01);
        });
    }

    /**
     * Nested comprehensions over one event's 1,000 tags (16 KB) would take 10^9 steps: CEL's iteration budget stops
     * the evaluation, the event is a dead letter for the metric with the reason, and every other event counts.
     */
    @Test
    void aFilterOverItsBudgetDeadLettersTheEventAndTheShardGoesOn() {
        MetricSpec spec = MetricSpec.builder("tagged").groupBy("page").filter(EventFilter.compile(
                "size(tags) < 3 || tags.exists(a, tags.exists(b, tags.exists(c, a + b + c == 'never')))")).aggregates(
                AggregateSpec.count()).build();
        ShardEngine engine = new ShardEngine(EngineConfig.builder().metrics(List.of(spec)).build(), "s",
                ShardProgress.initial());
        String manyTags = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "\"tag-" + (10_000 + i) + "\"")
                .collect(java.util.stream.Collectors.joining(",", "[", "]"));
        List<InputRecord> input = new ArrayList<>();
        InputRecord slow = null;
        for (int i = 0; i < 50; i++) {
            if (i == 25) {
                slow = records.raw("{\"ts\":1500,\"page\":\"a\",\"tags\":" + manyTags + "}");
                input.add(slow);
            }
            input.add(records.raw("{\"ts\":" + (1000 + i) + ",\"page\":\"a\",\"tags\":[\"x\",\"y\"]}"));
        }
        assertThat(slow.data().length).isGreaterThan(12_000);
        InputRecord overBudget = slow;

        long started = System.nanoTime();
        input.forEach(engine::process);
        System.out.printf("51 events, one over the filter budget: %d ms%n", (System.nanoTime() - started) / 1_000_000);
        engine.endOfInput();
        List<WindowResult> results = engine.takeFiredResults();
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();

        assertThat(plan.deadLetters()).singleElement().satisfies(dead -> {
            assertThat(dead.record()).isEqualTo(overBudget);
            assertThat(dead.reason()).isEqualTo("filter of metric tagged: needs more than 10000 comprehension steps "
                    + "on this event (the per-event budget), not evaluated");
        });
        assertThat(results).singleElement().satisfies(r -> assertThat(r.values()).containsEntry("count", 50L));
        assertThat(plan.checkpointAt()).isEqualTo(input.get(input.size() - 1).position());
    }
}
