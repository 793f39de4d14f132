package io.rtpipe.core.metric;

import io.rtpipe.core.event.EventFields;

/** The running state of one aggregate for one window and group key on one shard. */
public interface Accumulator {

    /** Adds one event (already known to belong to this window and key). */
    void add(EventFields event);

    /** This shard's partial value so far, as written to the results sink (Long, Double, String or byte[]). */
    Object partialValue();
}
