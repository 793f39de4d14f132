package io.rtpipe.core.metric;

/**
 * Fixed-length windows aligned to the epoch: every event time belongs to {@link #windowsPerEvent()} windows of
 * {@link #sizeMillis()} each. Times before 1970 are floored too, so -1 ms lies in [-size, 0).
 */
public sealed interface WindowAssigner extends WindowSpec permits TumblingWindows, HoppingWindows {

    /** The length of every window, in milliseconds (at least 1). */
    long sizeMillis();

    /** How many windows every event time belongs to. */
    int windowsPerEvent();

    /**
     * The start of the {@code n}-th window containing {@code eventTime}, for n in [0, {@link #windowsPerEvent()}),
     * latest start first. Callers pass event times within {@link MetricSpec#MIN_EVENT_TIME}..{@link
     * MetricSpec#MAX_EVENT_TIME}.
     */
    long windowStart(long eventTime, int n);
}
