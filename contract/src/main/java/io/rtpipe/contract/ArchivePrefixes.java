package io.rtpipe.contract;

import java.util.List;

/**
 * The top-level key prefixes of the archive bucket: one per object family of a checkpoint interval (connectors'
 * {@code IntervalKind} writes under them), and the results too large for a DynamoDB item. The CDK app limits the
 * consumer's and the Lambda's S3 grants to these.
 */
public final class ArchivePrefixes {

    /** Every record of an interval, as received. */
    public static final String RAW = "raw";
    /** Records that could not be decoded or failed a check, each with its reason. */
    public static final String DEADLETTER = "deadletter";
    /** Records that arrived after their window had fired. */
    public static final String LATE = "late";
    /** Window results over DynamoDB's item size, which the results table points to (connectors' ResultsTable). */
    public static final String RESULTS = "results";

    /** All of them, in the order above. */
    public static final List<String> ALL = List.of(RAW, DEADLETTER, LATE, RESULTS);

    private ArchivePrefixes() {
    }
}
