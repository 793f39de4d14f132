package io.rtpipe.producer.aggregation;

import io.rtpipe.producer.BufferFullException;
import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.RecordFailedException;
import io.rtpipe.producer.RecordFailure;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.partition.PartitionKeyWithFallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link RecordProducer} that packs records with a {@link RecordAggregator} and sends the aggregated records
 * through another producer (the {@link KinesisBatchProducer}), which batches, retries and bounds them. Each user
 * record's future completes when its aggregate is acknowledged (same shard and sequence number for all members; a
 * member's sub-sequence number is its position in the aggregate) or fails with its aggregate.
 *
 * <p>Lanes: by default one per open shard of the stream (ListShards at start), so a lane's aggregates all land on
 * its shard and, handed over in order, give the shard its records in {@code send} order; with
 * {@link AggregationConfig#hashBuckets()} positive, that many fixed hash-key ranges instead. With
 * {@link AggregationConfig#orderedPerLane()} (the default) the next aggregate of a lane is handed over only once the
 * previous one is acknowledged or failed, so order holds whatever the inner producer's requests in flight and
 * retries: a lane's later aggregates are parked in a queue of that lane and move on one at a time, each when the
 * previous one's completion has been processed, while the lanes go concurrently (pipelined across shards).
 *
 * <p>Reshards: an aggregate acknowledged on another shard than its lane's means the shards changed; the linger
 * thread then lists them again (at most once a second) and starts a new generation of lanes. Aggregates of the old
 * lanes (open, parked, in flight) still go out with their old hash keys, each to the shard now owning it, and the new
 * lanes hand nothing over until every old one completed; so after a split each child gets its records in order, and
 * after a merge the merged shard may get the last aggregates of its parents' lanes interleaved. A key whose new shard
 * differs from where its old lane's hash key went continues there: its records before and after the change are then
 * on two sibling shards.
 *
 * <p>Backpressure: completed aggregates wait here (they already hold accepted records), at most {@code 2 × lanes}
 * of them; beyond that, or when the inner producer fails fast with a full buffer, {@code send} blocks or fails fast
 * as the inner producer's policy says. One lock serialises {@code send}; a linger thread sends aggregates that stayed
 * open for {@link AggregationConfig#linger()}, hands over aggregates whose lane became free and re-learns the shards.
 */
public final class AggregatingProducer implements RecordProducer {

    private static final Logger LOG = LoggerFactory.getLogger(AggregatingProducer.class);
    private static final long HANDOFF_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Longest linger-thread sleep while lanes follow shards, so a reshard is noticed even when no aggregate waits. */
    private static final long SHARD_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RELEARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Size target of a backlogged lane's aggregate: one per round trip carries 2.5 MB/s at 100 ms, above a shard's
     * 1 MB/s. Larger (up to Kinesis' 1 MiB) made kinesis-mock take over 10 s per PutRecords of four of them.
     */
    static final int BACKLOG_RECORD_BYTES = 256 * 1024;
    /**
     * Memory the aggregates of backlogged lanes may take together: each lane holds up to three (open, waiting, in
     * flight), so a lane's backlog aggregate grows to at most this / (3 × lanes): the full 256 KiB up to 85 shards.
     */
    static final long BACKLOG_BUDGET_BYTES = 64L * 1024 * 1024;

    private final RecordProducer inner;
    private final PartitionKeyWithFallback partitionKeys;
    private final Duration closeTimeout;
    private final long lingerNanos;
    private final RecordAggregator<Member> aggregator;
    private final boolean failFast;
    private final boolean ordered;
    /** Where the lanes come from when they follow the stream's shards; null for fixed hash-key buckets. */
    private final ShardLister shards;
    /** Completed aggregates the inner producer may take now (their lane is free, or order is not kept), in order. */
    private final ArrayDeque<Handoff> ready = new ArrayDeque<>();
    /** The lanes new records go to. Written under the lock; read by completion threads. */
    private volatile Generation current;
    /** Older generations of lanes with aggregates not yet completed, oldest first (ordered only). */
    private final ArrayDeque<Generation> retiring = new ArrayDeque<>();
    /**
     * Aggregates the inner producer completed: completion threads add here without the lock, the next hand-over
     * (under the lock) frees the lane or moves its next parked aggregate to {@link #ready}.
     */
    private final Queue<Handoff> freed = new ConcurrentLinkedQueue<>();
    /** A generation one of whose aggregates landed on another shard than its lane's: the shards changed. */
    private volatile Generation stale;
    private long lastRelearnNanos;
    private final Consumer<PackedRecord<Member>> enqueue = this::enqueue;
    /** Aggregates in {@link #ready} and parked in any generation. Guarded by the lock. */
    private int waiting;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private final Thread lingerThread;
    private volatile boolean closed;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder bytesAccepted = new LongAdder();
    private final LongAdder bytesAcknowledged = new LongAdder();
    private final LongAdder bufferFullRejections = new LongAdder();
    private final Map<FailureReason, LongAdder> failures = new EnumMap<>(FailureReason.class);

    /**
     * One set of lanes and, when order is kept, per lane whether one of its aggregates is in {@link #ready} or with
     * the inner producer (busy) and the completed aggregates waiting behind it. Guarded by the lock.
     */
    private static final class Generation {
        final HashKeyBuckets lanes;
        final boolean[] busy;
        final ArrayDeque<PackedRecord<Member>>[] parked;
        /** Aggregates of this generation enqueued and not yet completed. */
        int outstanding;

        @SuppressWarnings("unchecked")
        Generation(HashKeyBuckets lanes) {
            this.lanes = lanes;
            this.busy = new boolean[lanes.count()];
            this.parked = new ArrayDeque[lanes.count()];
            for (int i = 0; i < parked.length; i++) {
                parked[i] = new ArrayDeque<>();
            }
        }
    }

    /** An aggregate on its way to the inner producer, with the generation of lanes it was built in. */
    private record Handoff(PackedRecord<Member> packed, Generation generation) {
    }

    /** A user record: its future, and what a failure report needs. */
    private static final class Member extends CompletableFuture<PutResult> {
        final String partitionKey;
        final byte[] data;

        Member(String partitionKey, byte[] data) {
            this.partitionKey = partitionKey;
            this.data = data;
        }
    }

    /**
     * Aggregates in front of a {@link KinesisBatchProducer}, keyed by its configured partition keys. Closing this
     * closes it.
     *
     * @throws IllegalArgumentException if the inner producer's record limit is below the aggregation size target
     */
    public static AggregatingProducer wrap(KinesisBatchProducer inner, AggregationConfig config) {
        if (inner.config().maxRecordBytes() < config.maxRecordBytes()) {
            throw new IllegalArgumentException("The producer's maxRecordBytes (" + inner.config().maxRecordBytes()
                    + ") is below the aggregation size target (" + config.maxRecordBytes() + ").");
        }
        return new AggregatingProducer(inner, inner.config().partitionKeys(), config, inner,
                inner.config().maxRecordBytes(), inner.config().closeTimeout(), inner.config().whenBufferFull());
    }

    /**
     * @param shards   lists the stream's open shards: used (at once, and after a reshard) when
     *                 {@code config.hashBuckets()} is {@link AggregationConfig#SHARD_LANES}, else may be null
     * @param maxRecordBytes the largest Kinesis record the inner producer takes: a lane whose previous aggregate is
     *                 still in flight fills its next one up to this, at most {@link #BACKLOG_RECORD_BYTES} and
     *                 within {@link #BACKLOG_BUDGET_BYTES} over all lanes, so ordered lanes keep up
     * @param whenFull what {@code send} does when completed aggregates wait beyond the bound (use the inner
     *                 producer's policy)
     * @throws IllegalStateException with one sentence when the shards cannot be listed
     */
    public AggregatingProducer(RecordProducer inner, PartitionKeySelector partitionKeys, AggregationConfig config,
                               ShardLister shards, int maxRecordBytes, Duration closeTimeout,
                               ProducerConfig.BufferFullPolicy whenFull) {
        this.inner = inner;
        this.failFast = whenFull == ProducerConfig.BufferFullPolicy.FAIL_FAST;
        this.ordered = config.orderedPerLane();
        this.shards = config.hashBuckets() == AggregationConfig.SHARD_LANES
                ? Objects.requireNonNull(shards, "shards") : null;
        HashKeyBuckets lanes = this.shards != null ? shardLanes(this.shards.openShards())
                : new HashKeyBuckets(config.hashBuckets());
        this.current = new Generation(lanes);
        this.lastRelearnNanos = System.nanoTime() - RELEARN_INTERVAL_NANOS;
        this.partitionKeys = new PartitionKeyWithFallback(partitionKeys);
        this.closeTimeout = closeTimeout;
        this.lingerNanos = config.linger().toNanos();
        this.aggregator = ordered
                ? new RecordAggregator<>(config, lanes, this::backlogged,
                        (int) Math.min(Math.min(maxRecordBytes, BACKLOG_RECORD_BYTES),
                                BACKLOG_BUDGET_BYTES / (3L * lanes.count())))
                : new RecordAggregator<>(config, lanes);
        for (FailureReason reason : FailureReason.values()) {
            failures.put(reason, new LongAdder());
        }
        this.lingerThread = new Thread(this::runLinger, "rtpipe-aggregation-linger");
        this.lingerThread.setDaemon(true);
        this.lingerThread.start();
    }

    @Override
    public CompletableFuture<PutResult> send(byte[] data) throws InterruptedException {
        return send(partitionKeys.keyFor(data), data);
    }

    @Override
    public CompletableFuture<PutResult> send(String partitionKey, byte[] data) throws InterruptedException {
        if (data == null) {
            throw new NullPointerException("data");
        }
        Member member = new Member(partitionKey, data);
        if (!PartitionKeySelector.isValid(partitionKey)) {
            fail(member, FailureReason.INVALID_PARTITION_KEY, PartitionKeySelector.invalidKeyMessage(partitionKey), 0);
            return member;
        }
        lock.lockInterruptibly();
        try {
            if (closed) {
                throw new IllegalStateException("the producer is closed and accepts no more records");
            }
            while (!handOver() || waiting >= 2 * current.lanes.count()) {
                if (failFast) {
                    bufferFullRejections.increment();
                    throw new BufferFullException("the producer buffer is full: aggregated records wait for space; "
                            + "slow down, raise the limits or use the BLOCK policy");
                }
                opened.awaitNanos(HANDOFF_RETRY_NANOS); // an acknowledgement frees a bucket
                if (closed) {
                    throw new IllegalStateException("the producer is closed and accepts no more records");
                }
            }
            boolean wasIdle = !aggregator.hasOpenAggregates();
            try {
                aggregator.add(partitionKey, data, member, System.nanoTime(), enqueue);
            } catch (IllegalArgumentException tooLarge) {
                fail(member, FailureReason.RECORD_TOO_LARGE, tooLarge.getMessage(), 0);
                return member;
            }
            accepted.increment();
            bytesAccepted.add(data.length);
            handOver();
            if (wasIdle) {
                opened.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return member;
    }

    /** Whether a lane of the current generation cannot hand over now: its aggregate is out, or old lanes finish. */
    private boolean backlogged(int lane) {
        return current.busy[lane] || !retiring.isEmpty();
    }

    private static HashKeyBuckets shardLanes(List<ShardRange> open) {
        try {
            return HashKeyBuckets.forShards(open);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot route by the stream's shards: " + e.getMessage(), e);
        }
    }

    /**
     * The aggregator's sink: a completed aggregate goes to {@link #ready}, or is parked while its lane is busy or an
     * older generation of lanes still has aggregates to complete.
     */
    private void enqueue(PackedRecord<Member> packed) {
        waiting++;
        Generation generation = current;
        if (!ordered) {
            ready.add(new Handoff(packed, generation));
            return;
        }
        generation.outstanding++;
        int lane = packed.bucket();
        if (generation.busy[lane] || !retiring.isEmpty()) {
            generation.parked[lane].add(packed);
            return;
        }
        generation.busy[lane] = true;
        ready.add(new Handoff(packed, generation));
    }

    /**
     * Takes the completions reported since the last call (each frees its lane or readies the lane's next parked
     * aggregate, and the last one of a retiring generation lets the next generation start), then hands the ready
     * aggregates to the inner producer in order; false if the inner producer refused one for a full buffer (it stays
     * first in line).
     */
    private boolean handOver() throws InterruptedException {
        for (Handoff done = freed.poll(); done != null; done = freed.poll()) {
            Generation generation = done.generation();
            int lane = done.packed().bucket();
            generation.outstanding--;
            PackedRecord<Member> next = generation.parked[lane].poll();
            if (next == null) {
                generation.busy[lane] = false;
            } else {
                ready.add(new Handoff(next, generation));
            }
            if (generation.outstanding == 0 && retiring.remove(generation)) {
                start(retiring.isEmpty() ? current : retiring.peek());
            }
        }
        while (!ready.isEmpty()) {
            Handoff handoff = ready.peek();
            PackedRecord<Member> packed = handoff.packed();
            CompletableFuture<PutResult> put;
            try {
                put = inner.send(packed.partitionKey(), packed.data());
            } catch (BufferFullException full) {
                return false;
            }
            // Out of the queue before whenComplete: a record failed at once completes inside it, and a caller's
            // callback may send (this lock is reentrant).
            ready.poll();
            waiting--;
            put.whenComplete((result, error) -> {
                complete(packed.members(), result, error);
                if (result != null) {
                    noticeReshard(handoff, result.shardId());
                }
                if (ordered) {
                    freed.add(handoff);
                    wakeHandOver();
                }
            });
        }
        return true;
    }

    /** Lets a generation whose turn came hand over the head of each lane that has aggregates parked. */
    private void start(Generation generation) {
        for (int lane = 0; lane < generation.parked.length; lane++) {
            if (!generation.busy[lane] && !generation.parked[lane].isEmpty()) {
                generation.busy[lane] = true;
                ready.add(new Handoff(generation.parked[lane].poll(), generation));
            }
        }
    }

    /** Marks the current lanes stale when an aggregate of theirs landed on another shard than its lane's. */
    private void noticeReshard(Handoff handoff, String landedOn) {
        Generation generation = handoff.generation();
        String expected = generation.lanes.shardId(handoff.packed().bucket());
        if (expected != null && !expected.equals(landedOn) && generation == current) {
            stale = generation;
            wakeHandOver();
        }
    }

    /**
     * Lists the shards again (outside the lock, at most once per {@link #RELEARN_INTERVAL_NANOS}) after a reshard was
     * noticed, and moves new records to a new generation of lanes; the old one retires.
     */
    private void relearnIfStale() throws InterruptedException {
        Generation seen = stale;
        long now = System.nanoTime();
        if (seen == null || seen != current || now - lastRelearnNanos < RELEARN_INTERVAL_NANOS) {
            return;
        }
        lastRelearnNanos = now;
        HashKeyBuckets next;
        try {
            next = shardLanes(shards.openShards());
        } catch (RuntimeException e) {
            LOG.warn("the stream's shards changed but could not be listed again ({}); aggregates keep their old "
                    + "lanes and land correctly, possibly out of order; trying again in a second", e.getMessage());
            return;
        }
        lock.lockInterruptibly();
        try {
            if (current != seen) {
                return;
            }
            aggregator.replaceBuckets(next, enqueue);
            if (ordered && seen.outstanding > 0) {
                retiring.add(seen);
            }
            current = new Generation(next);
            stale = null;
            LOG.info("the stream's shards changed: {} lanes now, one per open shard", next.count());
            handOver();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Wakes the linger thread to hand over the freed bucket's next aggregate. Never waits for the lock: this runs on
     * the inner producer's completion thread, which a {@code send} holding the lock may be waiting for (blocking
     * buffer); if the lock is busy its holder or the linger thread's next turn (within 5 ms) does the hand-over.
     */
    private void wakeHandOver() {
        if (lock.tryLock()) {
            try {
                opened.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void complete(List<Member> members, PutResult result, Throwable error) {
        if (error == null) {
            // Counters first, so a caller woken by its future sees them; two adds per aggregate, not per record.
            long bytes = 0;
            for (Member m : members) {
                bytes += m.data.length;
            }
            acknowledged.add(members.size());
            bytesAcknowledged.add(bytes);
            String shardId = result.shardId();
            String sequenceNumber = result.sequenceNumber();
            int attempts = result.attempts();
            for (int i = 0; i < members.size(); i++) {
                members.get(i).complete(new PutResult(shardId, sequenceNumber, i, attempts));
            }
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        RecordFailure aggregateFailure = cause instanceof RecordFailedException rfe ? rfe.failure() : null;
        FailureReason reason = aggregateFailure != null ? aggregateFailure.reason() : FailureReason.NON_RETRYABLE_ERROR;
        String message = "its aggregated record failed: "
                + (aggregateFailure != null ? aggregateFailure.message() : String.valueOf(cause));
        int attempts = aggregateFailure != null ? aggregateFailure.attempts() : 0;
        for (Member m : members) {
            fail(m, reason, message, attempts);
        }
    }

    private void fail(Member m, FailureReason reason, String message, int attempts) {
        failures.get(reason).increment();
        m.completeExceptionally(new RecordFailedException(
                new RecordFailure(m.data, m.partitionKey, reason, message, attempts)));
    }

    /** Sends aggregates once they have been open for the linger time; retries hand-offs the inner producer refused. */
    private void runLinger() {
        try {
            while (!closed) {
                if (shards != null) {
                    relearnIfStale();
                }
                lock.lockInterruptibly();
                try {
                    handOver();
                    long now = System.nanoTime();
                    aggregator.drainOlderThan(now - lingerNanos, enqueue);
                    handOver();
                    OptionalLong oldest = aggregator.oldestOpenNanos();
                    long waitNanos = oldest.isPresent() ? oldest.getAsLong() + lingerNanos - now : Long.MAX_VALUE;
                    if (waiting > 0) {
                        waitNanos = Math.min(waitNanos, HANDOFF_RETRY_NANOS);
                    }
                    if (shards != null) {
                        waitNanos = Math.min(waitNanos, SHARD_CHECK_NANOS);
                    }
                    if (waitNanos <= 0) {
                        // Only aggregates of backlogged lanes are overdue: a completion frees their lane and wakes us.
                        waitNanos = HANDOFF_RETRY_NANOS;
                    }
                    opened.awaitNanos(waitNanos);
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException closing) {
            // close() interrupts: it drains what is left itself.
        }
    }

    /** Sends every open aggregate now; with a fail-fast inner producer, waits (up to the timeout) until accepted. */
    private boolean drainAndHandOver(long timeoutNanos) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            lock.lockInterruptibly();
            try {
                aggregator.drainAll(enqueue);
                if (handOver() && waiting == 0) {
                    return true;
                }
            } finally {
                lock.unlock();
            }
            if (System.nanoTime() - start >= timeoutNanos) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(HANDOFF_RETRY_NANOS);
        }
    }

    @Override
    public void flush() throws InterruptedException {
        drainAndHandOver(Long.MAX_VALUE);
        inner.flush();
    }

    @Override
    public boolean flush(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        if (!drainAndHandOver(timeout.toNanos())) {
            return false;
        }
        long left = timeout.toNanos() - (System.nanoTime() - start);
        return inner.flush(Duration.ofNanos(Math.max(0, left)));
    }

    /** How many lanes new records are grouped by: the open shards when last listed, or the fixed bucket count. */
    public int laneCount() {
        return current.lanes.count();
    }

    /** Kinesis records handed to the inner producer so far: user records per Kinesis record is the packing ratio. */
    public long kinesisRecords() {
        lock.lock();
        try {
            return aggregator.kinesisRecords() - waiting;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The inner producer's counters with the record counts in user records: accepted, acknowledged, failed, bytes,
     * buffered records. Requests, retries, latencies and buffered bytes are the inner producer's (Kinesis records).
     */
    @Override
    public ProducerMetrics metrics() {
        ProducerMetrics k = inner.metrics();
        Map<FailureReason, Long> byReason = new EnumMap<>(FailureReason.class);
        long failed = 0;
        for (Map.Entry<FailureReason, LongAdder> e : failures.entrySet()) {
            byReason.put(e.getKey(), e.getValue().sum());
            failed += e.getValue().sum();
        }
        long acked = acknowledged.sum();
        long accepts = accepted.sum();
        return new ProducerMetrics(accepts, acked, failed, byReason, bytesAccepted.sum(), bytesAcknowledged.sum(),
                k.putRequests(), k.failedPutRequests(), k.recordRetries(),
                bufferFullRejections.sum() + k.bufferFullRejections(), partitionKeys.fallbacks(),
                Math.max(0, accepts - acked - failed), k.bufferedBytes(), k.inFlightRequests(), k.putLatency(),
                k.recordLatency());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        lingerThread.interrupt();
        boolean interrupted = false;
        try {
            lingerThread.join(TimeUnit.SECONDS.toMillis(5));
            drainAndHandOver(closeTimeout.toNanos());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        inner.close();
        lock.lock();
        try {
            aggregator.drainAll(enqueue);
            List<PackedRecord<Member>> left = new ArrayList<>();
            ready.forEach(handoff -> left.add(handoff.packed()));
            ready.clear();
            retiring.add(current);
            for (Generation generation : retiring) {
                for (ArrayDeque<PackedRecord<Member>> lane : generation.parked) {
                    left.addAll(lane);
                    lane.clear();
                }
            }
            retiring.clear();
            waiting = 0;
            for (PackedRecord<Member> aggregate : left) {
                for (Member m : aggregate.members()) {
                    fail(m, FailureReason.PRODUCER_CLOSED, "the producer was closed before the record's aggregate "
                            + "could be handed to Kinesis", 0);
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
