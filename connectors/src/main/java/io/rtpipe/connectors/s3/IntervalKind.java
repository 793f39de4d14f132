package io.rtpipe.connectors.s3;

/** The three object families of a checkpoint interval, each under its own top-level prefix. */
public enum IntervalKind {
    /** Every record of the interval, as received. */
    RAW("raw"),
    /** Records that could not be decoded or failed a check, each with its reason. */
    DEADLETTER("deadletter"),
    /** Records that arrived after their window had fired, with the metric and window. */
    LATE("late");

    private final String prefix;

    IntervalKind(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }
}
