package io.rtpipe.consumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one consumer process, updated by its record processors (on KCL's threads) and read by progress
 * lines and readiness checks. Counts are of this process's work: records replayed after a restart count again.
 */
public final class ConsumerStats {

    /**
     * A consistent-enough view for a progress line.
     *
     * @param recordsConsumed     records handed to the engine
     * @param deadLetters         dead letters written (with a committed checkpoint)
     * @param lateRecords         late records written (with a committed checkpoint)
     * @param windowsWritten      window partials written to the results table
     * @param checkpoints         checkpoints committed
     * @param shardsHeld          shards this worker currently processes
     * @param uncheckpointedRecords records consumed but not yet covered by a checkpoint, over all held shards
     * @param oldestCheckpointAge the longest time since a held shard last checkpointed (or started)
     * @param millisBehindLatest  the largest lag behind the stream's tip reported by the held shards
     * @param writeFailures       writes to S3 or DynamoDB that failed after the sink's retries (kept and tried again)
     * @param oldestUncheckpointedAge over the held shards, the age the oldest record not covered by a checkpoint had
     *                            when the shard's newest record was read (zero when every consumed record is
     *                            checkpointed). Measured at the newest read, not now, so it grows only while records
     *                            keep arriving without the checkpoint advancing, never on a quiet shard whose last
     *                            window is merely still open. "Oldest" counts from when that record was read, or from
     *                            the last checkpoint that advanced past older ones
     * @param stalledShards       held shards that stopped advancing after an unexpected engine error
     */
    public record Snapshot(long recordsConsumed, long deadLetters, long lateRecords, long windowsWritten,
                           long checkpoints, int shardsHeld, long uncheckpointedRecords, Duration oldestCheckpointAge,
                           long millisBehindLatest, long writeFailures, Duration oldestUncheckpointedAge,
                           int stalledShards) {

        /** One line for a terminal progress display. */
        public String progressLine() {
            return String.format("consumed %,d  dead letters %,d  late %,d  windows %,d  shards %d  "
                            + "uncheckpointed %,d (oldest %ds)  behind %,d ms",
                    recordsConsumed, deadLetters, lateRecords, windowsWritten, shardsHeld, uncheckpointedRecords,
                    oldestCheckpointAge.toSeconds(), millisBehindLatest);
        }
    }

    private static final class ShardState {
        volatile long consumedSinceCheckpoint;
        volatile Instant lastCheckpoint;
        volatile long millisBehindLatest;
        volatile Instant caughtUpAt;
        /** When the oldest record not covered by a checkpoint was read; null when there is none. */
        volatile Instant pendingSince;
        /** When the shard's newest record was read. */
        volatile Instant lastRecordAt;
        volatile boolean stalled;

        ShardState(Instant now) {
            this.lastCheckpoint = now;
        }
    }

    private final Clock clock;
    private final AtomicLong recordsConsumed = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong lateRecords = new AtomicLong();
    private final AtomicLong windowsWritten = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong failedHandOffs = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final Map<String, ShardState> shards = new ConcurrentHashMap<>();

    ConsumerStats(Clock clock) {
        this.clock = clock;
    }

    void shardStarted(String shardId) {
        shards.put(shardId, new ShardState(clock.instant()));
    }

    void shardStopped(String shardId) {
        shards.remove(shardId);
    }

    void allShardsStopped() {
        shards.clear();
    }

    /**
     * @param records            records in this batch
     * @param millisBehindLatest the batch's lag behind the tip, null when unknown
     * @param fetchedAt          when KCL read the batch from the stream (its prefetch cache entry time), null when
     *                           unknown: an empty read at the tip says the shard was caught up then, not when KCL
     *                           hands it over, which on a busy machine can be after records put in between
     */
    void batchProcessed(String shardId, int records, Long millisBehindLatest, Instant fetchedAt) {
        recordsConsumed.addAndGet(records);
        ShardState shard = shards.get(shardId);
        if (shard == null) {
            return;
        }
        if (records > 0) {
            Instant now = clock.instant();
            shard.lastRecordAt = now;
            if (shard.pendingSince == null) {
                shard.pendingSince = now;
            }
        }
        shard.consumedSinceCheckpoint += records;
        shard.millisBehindLatest = millisBehindLatest == null ? 0 : millisBehindLatest;
        if (records == 0 && shard.millisBehindLatest == 0) {
            shard.caughtUpAt = fetchedAt != null ? fetchedAt : clock.instant();
        }
    }

    /** A shard asked to shut down gracefully could not write what is final or checkpoint. */
    void handOffFailed() {
        failedHandOffs.incrementAndGet();
    }

    long failedHandOffs() {
        return failedHandOffs.get();
    }

    /** A sink write failed after its retries; the processor keeps the data and tries again later. */
    void writeFailed() {
        writeFailures.incrementAndGet();
    }

    /** The shard stopped advancing (see AnalyticsRecordProcessor): only a restart and replay moves it on. */
    void shardStalled(String shardId) {
        ShardState shard = shards.get(shardId);
        if (shard != null) {
            shard.stalled = true;
        }
    }

    void windowsWritten(int count) {
        windowsWritten.addAndGet(count);
    }

    void checkpointed(String shardId, int archived, int deadLetterCount, int lateCount) {
        checkpoints.incrementAndGet();
        deadLetters.addAndGet(deadLetterCount);
        lateRecords.addAndGet(lateCount);
        ShardState shard = shards.get(shardId);
        if (shard != null) {
            shard.consumedSinceCheckpoint = Math.max(0, shard.consumedSinceCheckpoint - archived);
            shard.lastCheckpoint = clock.instant();
            if (shard.consumedSinceCheckpoint == 0) {
                shard.pendingSince = null;
            } else if (archived > 0) {
                // The records still uncovered were read after the ones this checkpoint covered, at the latest now.
                shard.pendingSince = shard.lastCheckpoint;
            }
        }
    }

    /** True when at least one shard is held and every held shard read an empty batch at the tip after {@code since}. */
    boolean allShardsCaughtUpSince(Instant since) {
        return !shards.isEmpty() && shards.values().stream()
                .allMatch(s -> s.caughtUpAt != null && s.caughtUpAt.isAfter(since));
    }

    /** True when every one of {@code shardIds} is held and read an empty batch at the tip after {@code since}. */
    boolean shardsCaughtUpSince(Set<String> shardIds, Instant since) {
        return shardIds.stream().allMatch(id -> {
            ShardState s = shards.get(id);
            return s != null && s.caughtUpAt != null && s.caughtUpAt.isAfter(since);
        });
    }

    int shardsHeld() {
        return shards.size();
    }

    public Snapshot snapshot() {
        Instant now = clock.instant();
        long uncheckpointed = 0;
        long behind = 0;
        Duration oldest = Duration.ZERO;
        Duration oldestPending = Duration.ZERO;
        int stalled = 0;
        for (ShardState s : shards.values()) {
            uncheckpointed += s.consumedSinceCheckpoint;
            behind = Math.max(behind, s.millisBehindLatest);
            oldest = max(oldest, Duration.between(s.lastCheckpoint, now));
            Instant pendingSince = s.pendingSince;
            Instant lastRecordAt = s.lastRecordAt;
            if (pendingSince != null && lastRecordAt != null && lastRecordAt.isAfter(pendingSince)) {
                oldestPending = max(oldestPending, Duration.between(pendingSince, lastRecordAt));
            }
            stalled += s.stalled ? 1 : 0;
        }
        return new Snapshot(recordsConsumed.get(), deadLetters.get(), lateRecords.get(), windowsWritten.get(),
                checkpoints.get(), shards.size(), uncheckpointed, oldest, behind, writeFailures.get(), oldestPending,
                stalled);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
