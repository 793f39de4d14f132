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
import io.rtpipe.producer.partition.RandomPartitionKey;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
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
 * inner producer's requests in flight and retries. Backpressure: completed aggregates wait here (they already hold
 * accepted records), at most {@code 2 × hashBuckets} of them; beyond that, or when the inner producer fails fast with
 * a full buffer, {@code send} blocks or fails fast as the inner producer's policy says. One lock serialises
 * {@code send}; a linger thread sends aggregates that stayed open for {@link AggregationConfig#linger()} and hands
 * over aggregates whose bucket became free.
 */
public final class AggregatingProducer implements RecordProducer {

    private static final long HANDOFF_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final RecordProducer inner;
    private final PartitionKeySelector partitionKeys;
    private final Duration closeTimeout;
    private final long lingerNanos;
    private final RecordAggregator<Member> aggregator;
    private final boolean failFast;
    /** Completed aggregates the inner producer has not accepted yet, in order. */
    private final ArrayDeque<PackedRecord<Member>> handOff = new ArrayDeque<>();
    private final int maxWaitingAggregates;
    /** Per bucket, 1 while one of its aggregates is with the inner producer; null unless ordered per bucket. */
    private final AtomicIntegerArray bucketBusy;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private final Thread lingerThread;
    private volatile boolean closed;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder bytesAccepted = new LongAdder();
    private final LongAdder bytesAcknowledged = new LongAdder();
    private final LongAdder bufferFullRejections = new LongAdder();
    private final LongAdder keyFallbacks = new LongAdder();
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
    public AggregatingProducer(RecordProducer inner, PartitionKeySelector partitionKeys, AggregationConfig config,
                               Duration closeTimeout, ProducerConfig.BufferFullPolicy whenFull) {
        this.inner = inner;
        this.failFast = whenFull == ProducerConfig.BufferFullPolicy.FAIL_FAST;
        this.maxWaitingAggregates = 2 * config.hashBuckets();
        this.bucketBusy = config.orderedPerBucket() ? new AtomicIntegerArray(config.hashBuckets()) : null;
        this.partitionKeys = partitionKeys;
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
        String key = partitionKeys.partitionKey(data);
        if (key == null) {
            keyFallbacks.increment();
            key = RandomPartitionKey.next();
        }
        return send(key, data);
    }

    @Override
    public CompletableFuture<PutResult> send(String partitionKey, byte[] data) throws InterruptedException {
        if (data == null) {
            throw new NullPointerException("data");
        }
        Member member = new Member(partitionKey, data);
        if (!PartitionKeySelector.isValid(partitionKey)) {
            fail(member, FailureReason.INVALID_PARTITION_KEY, "a partition key must have 1 to "
                    + PartitionKeySelector.MAX_KEY_LENGTH + " characters", 0);
            return member;
        }
        lock.lockInterruptibly();
        try {
            if (closed) {
                throw new IllegalStateException("the producer is closed and accepts no more records");
            }
            while (!handOver() || handOff.size() >= maxWaitingAggregates) {
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
            boolean wasIdle = aggregator.oldestOpenNanos().isEmpty();
            try {
                aggregator.add(partitionKey, data, member, System.nanoTime(), handOff::add);
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

    /**
     * Hands completed aggregates to the inner producer in order, skipping (and keeping) those whose bucket has one
     * with the inner producer already; false if the inner producer refused one for a full buffer.
     */
    private boolean handOver() throws InterruptedException {
        Iterator<PackedRecord<Member>> waiting = handOff.iterator();
        while (waiting.hasNext()) {
            PackedRecord<Member> packed = waiting.next();
            int bucket = packed.bucket();
            if (bucketBusy != null && bucketBusy.get(bucket) != 0) {
                continue;
            }
            CompletableFuture<PutResult> put;
            try {
                put = inner.send(packed.partitionKey(), packed.data());
            } catch (BufferFullException full) {
                return false;
            }
            waiting.remove();
            if (bucketBusy != null) {
                bucketBusy.set(bucket, 1); // before whenComplete: a record failed at once completes inside it
            }
            put.whenComplete((result, error) -> {
                complete(packed.members(), result, error);
                if (bucketBusy != null) {
                    bucketBusy.set(bucket, 0);
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
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                acknowledged.increment();
                bytesAcknowledged.add(m.data.length);
                m.complete(new PutResult(result.shardId(), result.sequenceNumber(), i, result.attempts()));
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
                    aggregator.drainOlderThan(now - lingerNanos, handOff::add);
                    handOver();
                    OptionalLong oldest = aggregator.oldestOpenNanos();
                    long waitNanos = oldest.isPresent() ? oldest.getAsLong() + lingerNanos - now : Long.MAX_VALUE;
                    if (!handOff.isEmpty()) {
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
                aggregator.drainAll(handOff::add);
                if (handOver() && handOff.isEmpty()) {
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
            return aggregator.kinesisRecords() - handOff.size();
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
                bufferFullRejections.sum() + k.bufferFullRejections(), keyFallbacks.sum(),
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
            aggregator.drainAll(handOff::add);
            for (PackedRecord<Member> left : handOff) {
                for (Member m : left.members()) {
                    fail(m, FailureReason.PRODUCER_CLOSED, "the producer was closed before the record's aggregate "
                            + "could be handed to Kinesis", 0);
                }
            }
            handOff.clear();
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
