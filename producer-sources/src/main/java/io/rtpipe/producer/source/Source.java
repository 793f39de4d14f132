package io.rtpipe.producer.source;

/**
 * A feed of events (one payload per event, usually a JSON object) pushed into an {@link EventSink}. Push fits every
 * kind of feed: generators and file tails loop, stdin reads lines, an HTTP endpoint hands over request bodies.
 */
public interface Source extends AutoCloseable {

    /**
     * Delivers events until the source is exhausted, {@link #close()}d or the thread is interrupted; runs on the
     * caller's thread.
     *
     * @return how many events were delivered
     */
    long run(EventSink sink) throws Exception;

    /** Asks a running {@link #run} to return soon; releases the source's resources. Safe to call from any thread. */
    @Override
    void close();
}
