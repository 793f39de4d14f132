package io.rtpipe.connectors.s3;

import io.rtpipe.contract.ArchivePrefixes;

/** The three object families of a checkpoint interval, each under its own top-level prefix (declared in the contract). */
public enum IntervalKind {
    /** Every record of the interval, as received. */
    RAW(ArchivePrefixes.RAW),
    /** Records that could not be decoded or failed a check, each with its reason. */
    DEADLETTER(ArchivePrefixes.DEADLETTER),
    /** Records that arrived after their window had fired, with the metric and window. */
    LATE(ArchivePrefixes.LATE);

    private final String prefix;

    IntervalKind(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }
}
