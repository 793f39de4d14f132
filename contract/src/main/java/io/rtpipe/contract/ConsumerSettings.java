package io.rtpipe.contract;

import java.util.List;

/**
 * The settings of {@code rtpipe consume}, the process the ECS task runs. Each is a flag, an environment variable of
 * the same meaning (a flag beats the variable) and a default.
 */
public final class ConsumerSettings {

    public static final Setting STREAM = new Setting("stream", "RTPIPE_STREAM_NAME", null,
            "The Kinesis stream to consume (required).");
    public static final Setting APPLICATION = new Setting("application", "RTPIPE_KCL_APPLICATION", "rtpipe",
            "KCL application name: names the lease table and scopes the stored progress.");
    public static final Setting BUCKET = new Setting("bucket", "RTPIPE_ARCHIVE_BUCKET", null,
            "S3 bucket for the raw archive, dead letters and late records (required).");
    public static final Setting RESULTS_TABLE = new Setting("results-table", "RTPIPE_RESULTS_TABLE", null,
            "DynamoDB results table (default <application>-results).");
    public static final Setting PROGRESS_TABLE = new Setting("progress-table", "RTPIPE_PROGRESS_TABLE", null,
            "DynamoDB shard-progress table (default <application>-progress).");
    public static final Setting LEASE_TABLE = new Setting("lease-table", "RTPIPE_LEASE_TABLE", null,
            "DynamoDB lease table of KCL (default <application>).");
    public static final Setting METRICS_FILE = new Setting("metrics", "RTPIPE_METRICS_FILE", null,
            "YAML metric spec file (default: the built-in events_per_minute).");

    public static final Setting RESULT_RETENTION = new Setting("result-retention", "RTPIPE_RESULT_RETENTION", "30d",
            "How long DynamoDB keeps a window result after the window's end (its expiresAt, the table's TTL).");

    /** Every consumer setting, in help order. */
    public static final List<Setting> ALL = List.of(STREAM, APPLICATION, BUCKET, RESULTS_TABLE, PROGRESS_TABLE,
            LEASE_TABLE, METRICS_FILE, RESULT_RETENTION);

    private ConsumerSettings() {
    }
}
