package io.rtpipe.connectors.sink;

/**
 * A sink could not make a write durable, even after retrying. The caller must not checkpoint past the data it was
 * writing; the next attempt rewrites the same keys, so retrying later is always safe.
 */
public final class SinkWriteException extends RuntimeException {

    public SinkWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
