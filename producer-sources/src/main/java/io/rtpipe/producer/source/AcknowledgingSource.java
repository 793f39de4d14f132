package io.rtpipe.producer.source;

/**
 * A feed that tracks which of its events were stored (a file position, an HTTP answer), so it needs the outcome of
 * each event, not only a place to push it as {@link Source} offers.
 */
public interface AcknowledgingSource extends AutoCloseable {

    /**
     * Delivers events until the source is exhausted, {@link #close()}d or the thread is interrupted; runs on the
     * caller's thread. Returns only after every delivered event's outcome is known (and recorded, where the source
     * keeps a position).
     *
     * @return how many events were delivered and acknowledged
     */
    long run(AcknowledgingSink sink) throws Exception;

    /** Asks a running {@link #run} to return soon. Safe to call from any thread. */
    @Override
    void close();
}
