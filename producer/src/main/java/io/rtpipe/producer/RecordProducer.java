package io.rtpipe.producer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Puts records into a stream asynchronously. Implementations are thread-safe. Every accepted record ends exactly once:
 * its future completes with a {@link PutResult}, or exceptionally with a {@link RecordFailedException} after the
 * configured {@link FailureListener} was told.
 */
public interface RecordProducer extends AutoCloseable {

    /**
     * Sends a record whose partition key the producer derives (see its configuration). The array is not copied: do
     * not modify it afterwards. Blocks while the buffer is full unless configured to fail fast.
     *
     * @throws BufferFullException  when configured to fail fast and the buffer is full (the record was not accepted)
     * @throws IllegalStateException when the producer is closed
     * @throws InterruptedException when interrupted while waiting for buffer space (the record was not accepted)
     */
    CompletableFuture<PutResult> send(byte[] data) throws InterruptedException;

    /** Like {@link #send(byte[])} with an explicit partition key (1 to 256 characters). */
    CompletableFuture<PutResult> send(String partitionKey, byte[] data) throws InterruptedException;

    /** Waits until every record accepted so far (and any accepted meanwhile) is acknowledged or failed. */
    void flush() throws InterruptedException;

    /** Like {@link #flush()} but gives up after {@code timeout}; returns whether everything completed. */
    boolean flush(Duration timeout) throws InterruptedException;

    /** A consistent-enough snapshot of the counters; cheap, callable any time. */
    ProducerMetrics metrics();

    /** Flushes within the configured bound, fails whatever is left with {@link FailureReason#PRODUCER_CLOSED}, releases resources. */
    @Override
    void close();
}
