package io.rtpipe.producer.source;

/** Where a {@link Source} delivers events; may block (that is how a full producer slows a source down). */
@FunctionalInterface
public interface EventSink {
    void accept(byte[] event) throws InterruptedException;
}
