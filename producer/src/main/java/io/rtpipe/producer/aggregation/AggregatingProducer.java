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

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
 * <p>Order: records of one partition key go to one bucket's aggregates, which are handed over in order; with
 * {@link AggregationConfig#orderedPerBucket()} (the default) the next aggregate of a bucket is handed over only once
 * the previous one is acknowledged or failed, so a key's records reach the stream in {@code send} order whatever the
 * inner producer's requests in flight and retries: a bucket's later aggregates are parked in a queue of that bucket
 * and move on one at a time, each when the previous one's completion has been processed. Backpressure: completed
 * aggregates wait here (they already hold accepted records), at most {@code 2 × hashBuckets} of them; beyond that, or
 * when the inner producer fails fast with a full buffer, {@code send} blocks or fails fast as the inner producer's
 * policy says. One lock serialises {@code send}; a linger thread sends aggregates that stayed open for
 * {@link AggregationConfig#linger()} and hands over aggregates whose bucket became free.
 */
public final class AggregatingProducer implements RecordProducer {

    private static final long HANDOFF_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final RecordProducer inner;
    private final PartitionKeyWithFallback partitionKeys;
    private final Duration closeTimeout;
    private final long lingerNanos;
    private final RecordAggregator<Member> aggregator;
    private final boolean failFast;
    /** Completed aggregates the inner producer may take now (their bucket is free, or order is not kept), in order. */
    private final ArrayDeque<PackedRecord<Member>> ready = new ArrayDeque<>();
    /**
     * Ordered per bucket only (else null): per bucket, true while one of its aggregates is in {@link #ready} or with
     * the inner producer, whose completion has not been taken from {@link #freed} yet. Guarded by the lock.
     */
    private final boolean[] bucketBusy;
    /** Per bucket, its completed aggregates waiting while the bucket is busy, in order; null unless ordered. */
    private final ArrayDeque<PackedRecord<Member>>[] parked;
    /**
     * Buckets whose aggregate the inner producer completed: completion threads add here without the lock, the next
     * hand-over (under the lock) frees the bucket or moves its next parked aggregate to {@link #ready}.
     */
    private final Queue<Integer> freed = new ConcurrentLinkedQueue<>();
    private final Consumer<PackedRecord<Member>> enqueue = this::enqueue;
    /** Aggregates in {@link #ready} and {@link #parked}. Guarded by the lock. */
    private int waiting;
    private final int maxWaitingAggregates;
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
        return new AggregatingProducer(inner, inner.config().partitionKeys(), config, inner.config().closeTimeout(),
                inner.config().whenBufferFull());
    }

    /**
     * @param whenFull what {@code send} does when completed aggregates wait beyond the bound (use the inner
     *                 producer's policy)
     */
    @SuppressWarnings("unchecked")
    public AggregatingProducer(RecordProducer inner, PartitionKeySelector partitionKeys, AggregationConfig config,
                               Duration closeTimeout, ProducerConfig.BufferFullPolicy whenFull) {
        this.inner = inner;
        this.failFast = whenFull == ProducerConfig.BufferFullPolicy.FAIL_FAST;
        this.maxWaitingAggregates = 2 * config.hashBuckets();
        if (config.orderedPerBucket()) {
            this.bucketBusy = new boolean[config.hashBuckets()];
            this.parked = new ArrayDeque[config.hashBuckets()];
            for (int i = 0; i < parked.length; i++) {
                parked[i] = new ArrayDeque<>();
            }
        } else {
            this.bucketBusy = null;
            this.parked = null;
        }
        this.partitionKeys = new PartitionKeyWithFallback(partitionKeys);
        this.closeTimeout = closeTimeout;
        this.lingerNanos = config.linger().toNanos();
        this.aggregator = new RecordAggregator<>(config);
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
            while (!handOver() || waiting >= maxWaitingAggregates) {
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

    /** The aggregator's sink: a completed aggregate goes to {@link #ready}, or is parked while its bucket is busy. */
    private void enqueue(PackedRecord<Member> packed) {
        waiting++;
        if (bucketBusy != null) {
            int bucket = packed.bucket();
            if (bucketBusy[bucket]) {
                parked[bucket].add(packed);
                return;
            }
            bucketBusy[bucket] = true;
        }
        ready.add(packed);
    }

    /**
     * Takes the completions reported since the last call (each frees its bucket or readies the bucket's next parked
     * aggregate), then hands the ready aggregates to the inner producer in order; false if the inner producer refused
     * one for a full buffer (it stays first in line).
     */
    private boolean handOver() throws InterruptedException {
        if (bucketBusy != null) {
            for (Integer bucket = freed.poll(); bucket != null; bucket = freed.poll()) {
                PackedRecord<Member> next = parked[bucket].poll();
                if (next == null) {
                    bucketBusy[bucket] = false;
                } else {
                    ready.add(next);
                }
            }
        }
        while (!ready.isEmpty()) {
            PackedRecord<Member> packed = ready.peek();
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
                if (bucketBusy != null) {
                    freed.add(packed.bucket());
                    wakeHandOver();
                }
            });
        }
        return true;
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
                    if (waitNanos > 0) {
                        opened.awaitNanos(waitNanos);
                    }
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
            List<PackedRecord<Member>> left = new ArrayList<>(ready);
            ready.clear();
            if (parked != null) {
                for (ArrayDeque<PackedRecord<Member>> bucket : parked) {
                    left.addAll(bucket);
                    bucket.clear();
                }
            }
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
