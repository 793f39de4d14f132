package io.rtpipe.producer.source;

import java.util.concurrent.CompletableFuture;

/**
 * Where a source that must not lose events delivers them: the future completes once the event is stored (Kinesis
 * acknowledged it) or fails. {@code RecordProducer::send} is one. May block when the producer's buffer is full, or
 * throw {@link io.rtpipe.producer.BufferFullException} when it fails fast.
 */
@FunctionalInterface
public interface AcknowledgingSink {
    CompletableFuture<?> send(byte[] event) throws InterruptedException;
}
