package io.rtpipe.contract;

import java.util.List;

/**
 * The top-level key prefixes of the archive bucket: one per object family of a checkpoint interval (connectors'
 * {@code IntervalKind} writes under them), the results too large for a DynamoDB item, and the consumer's window-state
 * snapshots. The CDK app limits the consumer's and the Lambda's S3 grants to these.
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

    /**
     * Final window results as Parquet, {@code <prefix>/metric=NAME/dt=YYYY-MM-DD/hr=HH/part-NNNNN.parquet}: the
     * default of {@link ConsumerSettings#PARQUET_PREFIX}, where the CDK app's results tables point.
     */
    public static final String RESULTS_PARQUET = "results-parquet";
    /** The {@code metric=NAME} partition of a Parquet results key. */
    public static final String METRIC_PARTITION = "metric";

    /** Each consumer shard's open window state at its checkpoints (connectors' S3SnapshotStore), read on restart. */
    public static final String STATE = "state";

    /** What every writer of checkpoint intervals puts objects under: all of the above but {@link #STATE}. */
    public static final List<String> ALL = List.of(RAW, DEADLETTER, LATE, RESULTS);

    private ArchivePrefixes() {
    }
}
