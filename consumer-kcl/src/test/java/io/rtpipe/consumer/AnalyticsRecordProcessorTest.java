package io.rtpipe.consumer;

import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.OwnershipPort;
import io.rtpipe.core.task.ProgressException;
import io.rtpipe.core.task.ProgressPort;
import io.rtpipe.core.task.ResultsPort;
import io.rtpipe.core.task.TaskPorts;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.retrieval.kpl.ExtendedSequenceNumber;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class AnalyticsRecordProcessorTest {

    /** A progress table that holds nothing (emptied, or replaced by a new one). */
    private static final ProgressPort EMPTY_PROGRESS = new ProgressPort() {
        @Override
        public void save(String shardId, ShardProgress progress, long epoch) {
            throw new AssertionError("a refused shard stores nothing");
        }

        @Override
        public Optional<ShardProgress> load(String shardId, RecordPosition checkpoint) {
            return Optional.empty();
        }

        @Override
        public void deleteBefore(String shardId, RecordPosition keepFrom) {
        }
    };

    private final List<ProgressException> refusals = new ArrayList<>();
    private final ConsumerStats stats = new ConsumerStats(Clock.systemUTC());
    private final List<String> claims = new ArrayList<>();
    private final OwnershipPort ownership = new OwnershipPort() {
        @Override
        public long claim(String shardId, String owner) {
            claims.add(owner + " claims " + shardId);
            return claims.size();
        }

        @Override
        public void requireOwner(String shardId, long epoch) {
        }
    };
    private final AnalyticsRecordProcessor processor = new AnalyticsRecordProcessor(EngineConfig.defaults(),
            "worker-1", new TaskPorts((shard, plan) -> List.of(), results -> {
            }, EMPTY_PROGRESS, ownership), stats, Duration.ofSeconds(1), Duration.ZERO, () -> false, refusals::add,
            Clock.systemUTC(), metric -> {
                throw new AssertionError("no idle decision without an idle time");
            });

    @Test
    void aShardCheckpointedWithoutStoredProgressIsRefusedNotStartedFresh() {
        processor.initialize(InitializationInput.builder().shardId("shardId-000000000001")
                .extendedSequenceNumber(new ExtendedSequenceNumber("49590338271490256608559692538361571095921575989136588898"))
                .build());
        assertThat(refusals).singleElement().extracting(Throwable::getMessage).isEqualTo("shard shardId-000000000001 "
                + "was checkpointed at 49590338271490256608559692538361571095921575989136588898 but no progress is "
                + "stored for that checkpoint (progress table emptied or replaced, or the shard checkpointed by "
                + "another application), so its open windows cannot be rebuilt");
        assertThat(stats.shardsHeld()).as("the shard is not started").isZero();
        assertThat(claims).as("nor claimed from its owner").isEmpty();
    }

    @Test
    void aShardNeverCheckpointedStartsFresh() {
        processor.initialize(InitializationInput.builder().shardId("shardId-000000000001")
                .extendedSequenceNumber(ExtendedSequenceNumber.TRIM_HORIZON).build());
        assertThat(refusals).isEmpty();
        assertThat(stats.shardsHeld()).isEqualTo(1);
        assertThat(claims).containsExactly("worker-1 claims shardId-000000000001");
    }

    /** The hand-moved clock of the idle tests. */
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T12:00:00Z"));
    private final Clock handMoved = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    /** The idle tests' writes, in order: progress, results and fired-through marks. */
    private final List<String> writes = new ArrayList<>();
    /** The marks the idle tests' table holds, per shard (for the built-in metric); null: the read fails. */
    private final AtomicReference<Map<String, Long>> storedMarks = new AtomicReference<>(Map.of());
    private int markReads;

    /** A processor that moves a watermark after a minute without records, on the hand-moved clock. */
    private AnalyticsRecordProcessor idleAfterAMinute() {
        ProgressPort progress = new ProgressPort() {
            @Override
            public void save(String shardId, ShardProgress saved, long epoch) {
                writes.add("progress " + saved.checkpoint() + " " + saved.idleAdvances());
            }

            @Override
            public Optional<ShardProgress> load(String shardId, RecordPosition checkpoint) {
                return Optional.empty();
            }

            @Override
            public void deleteBefore(String shardId, RecordPosition keepFrom) {
            }
        };
        ResultsPort results = new ResultsPort() {
            @Override
            public void write(List<WindowResult> fired) {
                fired.forEach(r -> writes.add("result " + r.windowStart() + " " + r.values()));
            }

            @Override
            public void markFiredThrough(String shardId, Map<String, Long> marks) {
                marks.forEach((metric, through) -> writes.add("mark " + metric + " " + Instant.ofEpochMilli(through)));
            }
        };
        var idle = new AnalyticsRecordProcessor(EngineConfig.defaults(), "worker-1", new TaskPorts(
                (shard, plan) -> List.of(), results, progress, ownership), stats, Duration.ofHours(1),
                Duration.ofMinutes(1), () -> false, refusals::add, handMoved, metric -> {
                    markReads++;
                    assertThat(metric).isEqualTo("events_per_minute");
                    if (storedMarks.get() == null) {
                        throw new IllegalStateException("DynamoDB unreachable");
                    }
                    return storedMarks.get();
                });
        idle.initialize(InitializationInput.builder().shardId("shardId-000000000001")
                .extendedSequenceNumber(ExtendedSequenceNumber.TRIM_HORIZON).build());
        return idle;
    }

    @Test
    void aQuietShardAdvancesItsWatermarkAfterTheIdleTimeStoresTheDecisionThenWritesTheWindow() {
        var idle = idleAfterAMinute();
        var record = software.amazon.kinesis.retrieval.KinesisClientRecord.builder()
                .sequenceNumber("1").subSequenceNumber(0).partitionKey("k")
                .approximateArrivalTimestamp(now.get())
                .data(java.nio.ByteBuffer.wrap("{\"ts\":10000,\"type\":\"click\",\"event_id\":\"e1\"}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build();
        idle.processRecords(batch(List.of(record)));
        now.set(now.get().plusSeconds(59));
        idle.processRecords(batch(List.of()));
        assertThat(writes).as("idle for less than a minute").isEmpty();

        now.set(now.get().plusSeconds(1));
        idle.processRecords(batch(List.of()));

        // 10 s + 1 min idle = 70 s, watermark 65 s: the window [0, 60 s) fires, after its decision is stored.
        assertThat(writes).containsExactly(
                "progress null [IdleAdvance[after=1, maxTimes={events_per_minute=70000}]]",
                "result 1970-01-01T00:00:00Z {count=1}",
                "mark events_per_minute 1970-01-01T00:01:05Z");
    }

    @Test
    void aShardThatReadNoRecordTakesTheLowestMarkOfTheOtherShardsAfterTheIdleTimeAtTheTip() {
        var idle = idleAfterAMinute();
        long slowest = Instant.parse("2026-12-02T08:00:05Z").toEpochMilli();
        storedMarks.set(Map.of("shardId-000000000000", slowest + 60_000, "shardId-000000000002", slowest,
                "shardId-000000000001", slowest - 3_600_000,                // its own (an earlier run's): not counted
                "shardId-000000000003", Long.MAX_VALUE));                  // finished: not counted
        now.set(now.get().plusSeconds(50));
        idle.processRecords(batch(List.of(), 3_600_000L));
        now.set(now.get().plusSeconds(50));
        idle.processRecords(batch(List.of(), 0L));
        assertThat(writes).as("empty reads behind the tip are no quiet time: at the tip for 50 s only").isEmpty();
        now.set(now.get().plusSeconds(9));
        idle.processRecords(batch(List.of(), 0L));
        assertThat(writes).as("at the tip for less than a minute").isEmpty();
        assertThat(markReads).as("marks are read only at an idle decision").isZero();

        now.set(now.get().plusSeconds(1));
        idle.processRecords(batch(List.of()));

        // The slowest other shard's mark 08:00:05 as the highest event time, watermark 08:00:00: decision, mark.
        assertThat(writes).containsExactly(
                "progress null [IdleAdvance[after=null, maxTimes={events_per_minute=" + slowest + "}]]",
                "mark events_per_minute 2026-12-02T08:00:00Z");
        assertThat(markReads).isEqualTo(1);

        now.set(now.get().plusSeconds(60));
        idle.processRecords(batch(List.of()));
        assertThat(markReads).as("with an event time, the next decision reads no mark").isEqualTo(1);
        assertThat(writes).last().isEqualTo("mark events_per_minute 2026-12-02T08:01:00Z");
    }

    @Test
    void aShardThatReadNoRecordTakesNoDecisionWhileNoOtherShardHasAMarkOrTheMarksCannotBeRead() {
        var idle = idleAfterAMinute();
        storedMarks.set(Map.of("shardId-000000000003", Long.MAX_VALUE, "shardId-000000000001", 5_000L));
        now.set(now.get().plusSeconds(60));
        idle.processRecords(batch(List.of()));
        assertThat(writes).as("only its own mark and a finished shard's: no start").isEmpty();

        storedMarks.set(null);
        now.set(now.get().plusSeconds(30));
        idle.processRecords(batch(List.of()));
        assertThat(markReads).as("tried again only after another idle period").isEqualTo(1);
        now.set(now.get().plusSeconds(30));
        idle.processRecords(batch(List.of()));
        assertThat(markReads).isEqualTo(2);
        assertThat(writes).as("an unreadable table: no decision").isEmpty();

        storedMarks.set(Map.of("shardId-000000000000", 125_000L));
        now.set(now.get().plusSeconds(60));
        idle.processRecords(batch(List.of()));
        assertThat(writes).containsExactly("progress null [IdleAdvance[after=null, maxTimes={events_per_minute=125000}]]",
                "mark events_per_minute 1970-01-01T00:02:00Z");
    }

    private static software.amazon.kinesis.lifecycle.events.ProcessRecordsInput batch(
            List<software.amazon.kinesis.retrieval.KinesisClientRecord> records) {
        return batch(records, 0L);
    }

    private static software.amazon.kinesis.lifecycle.events.ProcessRecordsInput batch(
            List<software.amazon.kinesis.retrieval.KinesisClientRecord> records, long millisBehindLatest) {
        return software.amazon.kinesis.lifecycle.events.ProcessRecordsInput.builder().records(records)
                .millisBehindLatest(millisBehindLatest).build();
    }
}
