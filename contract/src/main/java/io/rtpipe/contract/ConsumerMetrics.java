package io.rtpipe.contract;

/**
 * The metrics a consumer worker publishes (embedded metric format lines on stdout, see consumer-kcl's
 * {@code EmfPublisher}) and the CDK app's alarms and dashboard read, in the namespace of
 * {@link ConsumerSettings#METRICS_NAMESPACE}. Every value is published under the dimension set
 * {@code [Application]} (all workers of the service) and {@code [Application, WorkerId]} (one worker).
 */
public final class ConsumerMetrics {

    /** Dimension: the KCL application name. */
    public static final String APPLICATION = "Application";
    /** Dimension: the worker's id in the lease table. */
    public static final String WORKER_ID = "WorkerId";

    /** Count: records handed to the engine since the previous line. */
    public static final String RECORDS_PROCESSED = "RecordsProcessed";
    /** Count: window partials written to the results table since the previous line. */
    public static final String RESULTS_WRITTEN = "ResultsWritten";
    /** Count: S3 or DynamoDB writes that failed after the sink's retries (kept and tried again). */
    public static final String WRITE_FAILURES = "WriteFailures";
    /** Count: dead letters written with a committed checkpoint. */
    public static final String DEAD_LETTERS = "DeadLetters";
    /** Count: late records written with a committed checkpoint. */
    public static final String LATE_RECORDS = "LateRecords";
    /**
     * Milliseconds: the age the oldest record not covered by a checkpoint had when the newest record was read (0 when
     * none waits): grows while records arrive and the checkpoint does not advance.
     */
    public static final String OLDEST_UNCHECKPOINTED_AGE = "OldestUncheckpointedAgeMillis";
    /** Milliseconds: the largest millisBehindLatest KCL reported for the worker's shards. */
    public static final String MILLIS_BEHIND_LATEST = "MillisBehindLatest";
    /** Count: shards the worker holds. */
    public static final String SHARDS_HELD = "ShardsHeld";

    private ConsumerMetrics() {
    }
}
