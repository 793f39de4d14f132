package io.rtpipe.producer.kinesis;

import io.rtpipe.producer.BufferFullException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Buffers records into PutRecords-sized batches and accounts for every record until it completes. One lock guards
 * it: {@code send} threads append, the sender thread takes batches, completion threads return retries and release
 * space. Records are counted against the buffer limits from {@code append} until {@link #release}, so in-flight and
 * retrying records keep their space and memory stays bounded.
 *
 * <p>Batch order: due retries first (they are the oldest records), then sealed batches, then the open batch once its
 * linger time has passed (or at once while someone flushes or the producer closes).
 */
final class Accumulator {

    private final int maxBatchRecords;
    private final int maxBatchBytes;
    private final long lingerNanos;
    private final int maxBufferedRecords;
    private final long maxBufferedBytes;
    private final LongSupplier clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition workAvailable = lock.newCondition();
    private final Condition drained = lock.newCondition();

    private final ArrayDeque<List<PendingRecord>> sealed = new ArrayDeque<>();
    private final PriorityQueue<PendingRecord> retries =
            new PriorityQueue<>(Comparator.comparingLong((PendingRecord r) -> r.dueNanos));
    private List<PendingRecord> open;
    private long openBytes;
    private long openSinceNanos;

    private int bufferedRecords;
    private long bufferedBytes;
    private int flushers;
    private boolean closed;
    private boolean aborted;

    Accumulator(ProducerConfig config, LongSupplier clock) {
        this.maxBatchRecords = config.maxBatchRecords();
        this.maxBatchBytes = config.maxBatchBytes();
        this.lingerNanos = config.linger().toNanos();
        this.maxBufferedRecords = config.maxBufferedRecords();
        this.maxBufferedBytes = config.maxBufferedBytes();
        this.clock = clock;
    }

    /**
     * Adds a record to the open batch, sealing batches that are full.
     *
     * @param block wait for space when the buffer is full; otherwise throw {@link BufferFullException}
     */
    void append(PendingRecord record, boolean block) throws InterruptedException {
        lock.lock();
        try {
            requireOpen();
            while (bufferedRecords + 1 > maxBufferedRecords || bufferedBytes + record.size > maxBufferedBytes) {
                if (!block) {
                    throw new BufferFullException("the producer buffer is full (" + bufferedRecords + " records, "
                            + bufferedBytes + " bytes buffered; limits " + maxBufferedRecords + " records, "
                            + maxBufferedBytes + " bytes): slow down, raise the limits or use the BLOCK policy");
                }
                notFull.await();
                requireOpen();
            }
            bufferedRecords++;
            bufferedBytes += record.size;
            if (open != null && openBytes + record.size > maxBatchBytes) {
                seal();
            }
            if (open == null) {
                open = new ArrayList<>(Math.min(maxBatchRecords, 64));
                openBytes = 0;
                openSinceNanos = clock.getAsLong();
                workAvailable.signal(); // the sender must learn the new linger deadline
            }
            open.add(record);
            openBytes += record.size;
            if (open.size() >= maxBatchRecords || openBytes >= maxBatchBytes) {
                seal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the producer is closed and accepts no more records");
        }
    }

    private void seal() {
        sealed.add(open);
        open = null;
        workAvailable.signal();
    }

    /** Waits for the next batch to send; {@code null} once {@link #abort()} was called. */
    List<PendingRecord> awaitBatch() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (aborted) {
                    return null;
                }
                long now = clock.getAsLong();
                List<PendingRecord> batch = takeBatch(now);
                if (batch != null) {
                    return batch;
                }
                long wait = nanosUntilDue(now);
                if (wait == Long.MAX_VALUE) {
                    workAvailable.await();
                } else {
                    workAvailable.awaitNanos(wait);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The batch due now, or {@code null}; never waits. */
    List<PendingRecord> pollBatch() {
        lock.lock();
        try {
            return aborted ? null : takeBatch(clock.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    private List<PendingRecord> takeBatch(long now) {
        PendingRecord head = retries.peek();
        if (head != null && head.dueNanos - now <= 0) {
            List<PendingRecord> batch = new ArrayList<>();
            long bytes = 0;
            while (head != null && head.dueNanos - now <= 0 && batch.size() < maxBatchRecords
                    && bytes + head.size <= maxBatchBytes) {
                batch.add(retries.poll());
                bytes += head.size;
                head = retries.peek();
            }
            return batch;
        }
        if (!sealed.isEmpty()) {
            return sealed.poll();
        }
        if (open != null && (closed || flushers > 0 || now - openSinceNanos >= lingerNanos)) {
            List<PendingRecord> batch = open;
            open = null;
            return batch;
        }
        return null;
    }

    private long nanosUntilDue(long now) {
        long wait = Long.MAX_VALUE;
        if (open != null) {
            wait = Math.max(1, openSinceNanos + lingerNanos - now);
        }
        PendingRecord head = retries.peek();
        if (head != null) {
            wait = Math.min(wait, Math.max(1, head.dueNanos - now));
        }
        return wait;
    }

    /**
     * Queues records for another attempt at their {@code dueNanos}. After {@link #abort()} nothing is queued: the
     * records are returned and the caller fails them.
     */
    List<PendingRecord> requeue(List<PendingRecord> records) {
        if (records.isEmpty()) {
            return List.of();
        }
        lock.lock();
        try {
            if (aborted) {
                return records;
            }
            retries.addAll(records);
            workAvailable.signal();
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    /** Frees the space of completed (acknowledged or failed) records. */
    void release(int records, long bytes) {
        if (records == 0) {
            return;
        }
        lock.lock();
        try {
            bufferedRecords -= records;
            bufferedBytes -= bytes;
            notFull.signalAll();
            if (bufferedRecords == 0) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends the open batch without waiting for its linger and waits until nothing is buffered. */
    boolean awaitDrained(long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            flushers++;
            workAvailable.signal();
            long remaining = timeoutNanos;
            while (bufferedRecords > 0) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = drained.awaitNanos(remaining);
            }
            return true;
        } finally {
            flushers--;
            lock.unlock();
        }
    }

    /** Refuses further appends (waiting ones wake and fail); what is buffered is still sent, without lingering. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Stops sending; returns every record not in flight so the caller fails it. Implies {@link #close()}. */
    List<PendingRecord> abort() {
        lock.lock();
        try {
            closed = true;
            aborted = true;
            List<PendingRecord> left = new ArrayList<>(retries);
            retries.clear();
            sealed.forEach(left::addAll);
            sealed.clear();
            if (open != null) {
                left.addAll(open);
                open = null;
            }
            notFull.signalAll();
            workAvailable.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }

    int bufferedRecords() {
        lock.lock();
        try {
            return bufferedRecords;
        } finally {
            lock.unlock();
        }
    }

    long bufferedBytes() {
        lock.lock();
        try {
            return bufferedBytes;
        } finally {
            lock.unlock();
        }
    }
}
