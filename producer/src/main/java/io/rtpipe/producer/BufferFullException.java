package io.rtpipe.producer;

/**
 * Thrown by {@code send} when the producer is configured to fail fast and its buffer is full. The record was not
 * accepted: the caller still owns it and decides whether to retry, slow down or drop it.
 */
public final class BufferFullException extends RuntimeException {
    public BufferFullException(String message) {
        super(message);
    }
}
