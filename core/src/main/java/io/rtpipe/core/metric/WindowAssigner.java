package io.rtpipe.core.metric;

/**
 * Maps an event time to the fixed-length windows it belongs to. Windows are half-open, [start, start + size).
 * Tumbling windows give each time one window; hopping windows (later) give it {@code size / slide}.
 * Session windows merge and will need their own engine state, not this interface.
 */
public interface WindowAssigner {

    /** The length of every window, in milliseconds (at least 1). */
    long sizeMillis();

    /** How many windows every event time belongs to. */
    int windowsPerEvent();

    /**
     * The start of the {@code n}-th window containing {@code eventTime}, for n in [0, {@link #windowsPerEvent()}).
     * Callers pass event times within {@link MetricSpec#MIN_EVENT_TIME}..{@link MetricSpec#MAX_EVENT_TIME}.
     */
    long windowStart(long eventTime, int n);
}
