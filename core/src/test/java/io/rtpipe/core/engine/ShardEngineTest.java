package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.record.InputRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.rtpipe.core.metric.MetricSpec.EVENTS_PER_MINUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardEngineTest {
    private final Records records = new Records();

    private static ShardEngine engine(Duration lateness) {
        MetricSpec spec = MetricSpec.builder(EVENTS_PER_MINUTE).groupBy("type").allowedLateness(lateness).build();
        return new ShardEngine(EngineConfig.builder().metric(spec).build(), "shard-1", ShardProgress.initial());
    }

    private static void feed(ShardEngine engine, InputRecord... input) {
        for (InputRecord record : input) {
            engine.process(record);
        }
    }

    /** window start (s) / type / count, for compact assertions. */
    private static List<String> summary(List<WindowResult> results) {
        return results.stream()
                .map(r -> r.windowStart().getEpochSecond() + "/" + r.key().get("type") + "/" + r.values().get("count"))
                .toList();
    }

    @Test
    void windowFiresWhenWatermarkReachesItsEndAndResultCarriesAbsoluteCountPerKey() {
        ShardEngine engine = engine(Duration.ofSeconds(5));
        feed(engine, records.event(10_000, "click"), records.event(20_000, "view"), records.event(30_000, "click"),
                records.event(64_999, "click")); // watermark 59_999 < 60_000: window 0 stays open
        assertThat(engine.takeFiredResults()).isEmpty();

        feed(engine, records.event(65_000, "view")); // watermark 60_000 = end of window 0
        List<WindowResult> fired = engine.takeFiredResults();
        assertThat(summary(fired)).containsExactly("0/click/2", "0/view/1");
        WindowResult click = fired.get(0);
        assertThat(click.metric()).isEqualTo(EVENTS_PER_MINUTE);
        assertThat(click.windowStart()).isEqualTo(Instant.EPOCH);
        assertThat(click.windowEnd()).isEqualTo(Instant.ofEpochSecond(60));
        assertThat(click.shardId()).isEqualTo("shard-1");
        assertThat(click.key()).containsExactly(Map.entry("type", "click"));
        assertThat(click.values()).containsExactly(Map.entry("count", 2L));
        assertThat(engine.takeFiredResults()).as("taken results are handed out once").isEmpty();
    }

    @Test
    void recordIsLateExactlyWhenItsWindowEndIsAtOrBelowTheWatermarkBeforeIt() {
        ShardEngine engine = engine(Duration.ofSeconds(5));
        InputRecord first = records.event(10_000, "click");
        InputRecord advance = records.event(64_999, "click");  // watermark 59_999
        InputRecord justInTime = records.event(59_999, "click"); // end 60_000 > 59_999: counted
        InputRecord fires = records.event(65_000, "click");     // watermark 60_000: window 0 fires
        InputRecord late = records.event(59_999, "view");       // end 60_000 <= 60_000: late
        InputRecord nextWindow = records.event(60_000, "view"); // window 60_000, open
        feed(engine, first, advance, justInTime, fires, late, nextWindow);

        assertThat(summary(engine.takeFiredResults())).containsExactly("0/click/2");
        engine.endOfInput();
        assertThat(summary(engine.takeFiredResults())).containsExactly("60/click/2", "60/view/1");
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();
        assertThat(plan.lateRecords()).containsExactly(new LateRecord(late, EVENTS_PER_MINUTE, Instant.EPOCH));
        assertThat(engine.stats().lateRecords()).isEqualTo(1);
    }

    /**
     * Hopping windows of 1000 s sliding by 1 s: a late record of 100 KB is kept once per metric with the range of
     * windows it missed (it was once kept 1,000 times, each copy archived with its bytes).
     */
    @Test
    void aRecordLateForManyHoppingWindowsIsKeptOnceWithTheRangeItMissed() {
        MetricSpec spec = MetricSpec.builder("hops").groupBy("type").allowedLateness(Duration.ZERO)
                .windows(HoppingWindows.of(Duration.ofSeconds(1000), Duration.ofSeconds(1))).build();
        ShardEngine engine = new ShardEngine(EngineConfig.builder().metric(spec).build(), "shard-1",
                ShardProgress.initial());
        Records arriving = new Records(10_000_000);
        String pad = "x".repeat(100_000);
        InputRecord advance = arriving.event(2_000_000, "c"); // watermark 2000 s
        InputRecord allLate = arriving.raw("{\"ts\":500000,\"type\":\"a\",\"pad\":\"" + pad + "\"}");
        InputRecord halfLate = arriving.raw("{\"ts\":1500000,\"type\":\"b\",\"pad\":\"" + pad + "\"}");
        feed(engine, advance, allLate, halfLate);

        engine.endOfInput();
        List<WindowResult> fired = engine.takeFiredResults();
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();
        // 500 s lies in the windows starting -499 s .. 500 s, all ended by 2000 s; 1500 s in 501 s .. 1500 s, of
        // which those starting up to 1000 s ended by 2000 s.
        assertThat(plan.lateRecords()).containsExactly(
                new LateRecord(allLate, "hops", Instant.ofEpochSecond(-499), Instant.ofEpochSecond(500)),
                new LateRecord(halfLate, "hops", Instant.ofEpochSecond(501), Instant.ofEpochSecond(1000)));
        assertThat(engine.stats().lateRecords()).isEqualTo(2);
        assertThat(fired.stream().filter(r -> r.key().get("type").equals("b")).map(r -> r.windowStart().getEpochSecond()))
                .as("the half-late record still counts in the windows open for it")
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1001, 1500).boxed().toList());
    }

    @Test
    void zeroLatenessFiresAWindowWithTheFirstRecordAtItsEnd() {
        ShardEngine engine = engine(Duration.ZERO);
        feed(engine, records.event(59_999, "a"));
        assertThat(engine.takeFiredResults()).isEmpty();
        feed(engine, records.event(60_000, "a"));
        assertThat(summary(engine.takeFiredResults())).containsExactly("0/a/1");
        feed(engine, records.event(59_999, "a"));
        assertThat(engine.stats().lateRecords()).isEqualTo(1);
    }

    @Test
    void negativeEventTimesFallInTheWindowsBeforeTheEpoch() {
        ShardEngine engine = engine(Duration.ofMinutes(2)); // enough lateness that none of these is late
        feed(engine, records.event(-1, "a"), records.event(-60_000, "a"), records.event(-60_001, "a"));
        engine.endOfInput();
        List<WindowResult> fired = engine.takeFiredResults();
        assertThat(summary(fired)).containsExactly("-120/a/1", "-60/a/2"); // fired in window order
        assertThat(fired.get(1).windowEnd()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void checkpointStopsJustBeforeTheFirstRecordOfTheOldestOpenWindow() {
        ShardEngine engine = engine(Duration.ofSeconds(5));
        InputRecord r1 = records.event(0, "a");           // opens window 0
        InputRecord r2 = records.event(70_000, "a");      // opens window 60s; watermark 65s fires window 0
        feed(engine, r1, r2);
        assertThatThrownBy(engine::planCheckpoint).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not taken");
        assertThat(summary(engine.takeFiredResults())).containsExactly("0/a/1");

        CheckpointPlan first = engine.planCheckpoint().orElseThrow();
        assertThat(first.firstPosition()).isEqualTo(r1.position());
        assertThat(first.checkpointAt()).isEqualTo(r1.position());
        assertThat(first.archive()).containsExactly(r1);
        assertThat(first.progress()).isEqualTo(new ShardProgress(r1.position(), Map.of(EVENTS_PER_MINUTE, 0L),
                Map.of(EVENTS_PER_MINUTE, 70_000L), Map.of(EVENTS_PER_MINUTE, MetricSpec.builder(EVENTS_PER_MINUTE)
                        .groupBy("type").allowedLateness(Duration.ofSeconds(5)).build().definition()), Map.of(), List.of()));
        engine.commit(first);
        assertThat(engine.planCheckpoint()).as("the oldest open window starts right after the checkpoint").isEmpty();

        InputRecord r3 = records.event(1, "a");                       // late for window 0
        InputRecord r4 = records.raw("{\"ts\":\"x\",\"type\":\"a\"}"); // dead letter
        InputRecord r5 = records.event(200_000, "a");                 // opens 180s; fires window 60s
        InputRecord r6 = records.event(200_001, "b");
        feed(engine, r3, r4, r5, r6);
        assertThat(summary(engine.takeFiredResults())).containsExactly("60/a/1");
        CheckpointPlan second = engine.planCheckpoint().orElseThrow();
        assertThat(second.firstPosition()).isEqualTo(r2.position());
        assertThat(second.checkpointAt()).isEqualTo(r4.position());
        assertThat(second.archive()).containsExactly(r2, r3, r4);
        assertThat(second.lateRecords()).containsExactly(new LateRecord(r3, EVENTS_PER_MINUTE, Instant.EPOCH));
        assertThat(second.deadLetters()).extracting(DeadLetter::record).containsExactly(r4);
        assertThat(second.progress().maxTimeAtCheckpoint()).containsExactly(Map.entry(EVENTS_PER_MINUTE, 70_000L));
        assertThat(second.progress().maxTimeFired()).containsExactly(Map.entry(EVENTS_PER_MINUTE, 200_001L));

        assertThatThrownBy(() -> engine.commit(first)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not start this shard's open interval");
        engine.commit(second);
        assertThat(engine.stats().bufferedRecords()).isEqualTo(2);
    }

    @Test
    void oldestOpenWindowIsTheOneWithTheEarliestFirstRecordNotTheEarliestStart() {
        ShardEngine engine = engine(Duration.ofMinutes(2));
        InputRecord a = records.event(130_000, "a"); // window 120s, first record #0
        InputRecord b = records.event(61_000, "a");  // window 60s (earlier start), first record #1
        InputRecord c = records.event(125_000, "a");
        feed(engine, a, b, c);
        assertThat(engine.planCheckpoint()).isEmpty();

        InputRecord d = records.event(250_000, "a"); // watermark 130s: window 60s fires, 120s stays open
        feed(engine, d);
        assertThat(summary(engine.takeFiredResults())).containsExactly("60/a/1");
        assertThat(engine.planCheckpoint()).as("window 120s, opened by the first record, is still open").isEmpty();

        InputRecord e = records.event(305_000, "a"); // watermark 185s: window 120s fires
        feed(engine, e);
        assertThat(summary(engine.takeFiredResults())).containsExactly("120/a/2");
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();
        assertThat(plan.archive()).containsExactly(a, b, c);
    }

    @Test
    void endOfInputFiresEverythingAndTheNextPlanCoversAllRecords() {
        ShardEngine engine = engine(Duration.ofSeconds(5));
        InputRecord r1 = records.event(1_000, "a");
        InputRecord r2 = records.event(61_000, "b");
        feed(engine, r1, r2);
        assertThat(engine.planCheckpoint()).isEmpty();
        engine.endOfInput();
        assertThat(summary(engine.takeFiredResults())).containsExactly("0/a/1", "60/b/1");
        CheckpointPlan plan = engine.planCheckpoint().orElseThrow();
        assertThat(plan.archive()).containsExactly(r1, r2);
        assertThat(plan.checkpointAt()).isEqualTo(r2.position());
        assertThat(engine.stats().openWindows()).isZero();
        assertThatThrownBy(() -> engine.process(records.event(1, "a"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("endOfInput");
    }

    @Test
    void restoredEngineSkipsWrittenWindowsAndRepeatsLatenessDecisions() {
        Duration lateness = Duration.ofMinutes(1);
        ShardEngine original = engine(lateness);
        InputRecord x = records.event(50_000, "a");  // window 0
        InputRecord a = records.event(130_000, "a"); // window 120s; watermark 70s fires window 0
        InputRecord b = records.event(100_000, "a"); // window 60s, not late (70s < 120s)
        InputRecord c = records.event(185_000, "a"); // window 180s; watermark 125s fires window 60s
        InputRecord d = records.event(30_000, "a");  // late for window 0
        feed(original, x, a, b, c, d);
        assertThat(summary(original.takeFiredResults())).containsExactly("0/a/1", "60/a/1");
        CheckpointPlan plan = original.planCheckpoint().orElseThrow();
        assertThat(plan.checkpointAt()).isEqualTo(x.position());
        original.endOfInput();
        List<String> originalRest = summary(original.takeFiredResults());

        // Crash before commit: a new engine resumes after x and is fed everything after it again.
        ShardEngine restored = new ShardEngine(EngineConfig.builder().metric(MetricSpec.builder(EVENTS_PER_MINUTE)
                .groupBy("type").allowedLateness(lateness).build()).build(), "shard-1", plan.progress());
        feed(restored, x, a, b, c, d); // x is at the checkpoint: ignored as a redelivery
        assertThat(restored.stats().redeliveriesIgnored()).isEqualTo(1);
        assertThat(restored.takeFiredResults()).as("window 60s was written before the crash").isEmpty();
        assertThat(restored.stats().replaySkipped()).isEqualTo(1);
        restored.endOfInput();
        assertThat(summary(restored.takeFiredResults())).isEqualTo(originalRest).containsExactly("120/a/1", "180/a/1");
        CheckpointPlan replayed = restored.planCheckpoint().orElseThrow();
        assertThat(replayed.firstPosition()).isEqualTo(a.position());
        assertThat(replayed.lateRecords()).containsExactly(new LateRecord(d, EVENTS_PER_MINUTE, Instant.EPOCH));
    }

    @Test
    void recordsAtOrBeforeTheLastPositionAreIgnoredAsRedeliveries() {
        ShardEngine engine = engine(Duration.ofSeconds(5));
        InputRecord r1 = records.event(1_000, "a");
        feed(engine, r1, r1);
        engine.endOfInput();
        assertThat(summary(engine.takeFiredResults())).containsExactly("0/a/1");
        assertThat(engine.stats().recordsProcessed()).isEqualTo(1);
        assertThat(engine.stats().redeliveriesIgnored()).isEqualTo(1);
    }

    @Test
    void arrivalTimeMetricsWindowOnKinesisArrivalAndGroupByNothing() {
        MetricSpec perArrivalSecond = MetricSpec.builder("arrivals").timestamp(TimestampSource.arrivalTime())
                .windows(TumblingWindows.of(Duration.ofSeconds(2))).allowedLateness(Duration.ZERO).build();
        ShardEngine engine = new ShardEngine(EngineConfig.builder().metric(perArrivalSecond).build(), "s",
                ShardProgress.initial());
        // Records arrive at 1 s, 2 s, 3 s, 4 s (see Records); payloads need no ts at all.
        feed(engine, records.raw("{}"), records.raw("{}"), records.raw("[]"), records.raw("{}"));
        engine.endOfInput();
        assertThat(engine.takeFiredResults())
                .extracting(r -> r.windowStart().getEpochSecond() + "=" + r.values().get("count") + r.key())
                .containsExactly("0=1{}", "2=1{}", "4=1{}");
        assertThat(engine.stats().deadLettered()).isEqualTo(1);
    }

    @Test
    void recordInvalidForOneMetricStillCountsInTheOthers() {
        MetricSpec perPage = MetricSpec.builder("views_per_page").groupBy("page", "type").build();
        ShardEngine engine = new ShardEngine(
                EngineConfig.builder().metric(MetricSpec.eventsPerMinute()).metric(perPage).build(), "s",
                ShardProgress.initial());
        InputRecord noPage = records.event(1_000, "click");
        InputRecord withPage = records.raw("{\"ts\":2000,\"type\":\"click\",\"page\":\"/p/1\"}");
        feed(engine, noPage, withPage);
        engine.endOfInput();
        assertThat(engine.takeFiredResults()).extracting(r -> r.metric() + r.key() + r.values())
                .containsExactly("events_per_minute{type=click}{count=2}",
                        "views_per_page{page=/p/1, type=click}{count=1}");
        assertThat(engine.planCheckpoint().orElseThrow().deadLetters())
                .containsExactly(new DeadLetter(noPage, "page: missing"));
    }
}
