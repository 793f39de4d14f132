package io.rtpipe.contract;

import java.util.List;

/**
 * The environment of the Kinesis analytics Lambda (lambda-handlers' {@code AnalyticsSettings} reads it, the CDK app
 * sets it). Where a variable means what it means for {@code rtpipe consume} it has the consumer's name, so one
 * configuration reads the same in both; the flags are unused (a Lambda has no command line).
 */
public final class AnalyticsLambdaSettings {

    public static final Setting RESULTS_TABLE = new Setting(ConsumerSettings.RESULTS_TABLE.flag(),
            ConsumerSettings.RESULTS_TABLE.env(), null, "DynamoDB results table (required).");
    public static final Setting BUCKET = new Setting(ConsumerSettings.BUCKET.flag(), ConsumerSettings.BUCKET.env(),
            null, "S3 bucket for the raw archive, dead letters and late records (required).");
    public static final Setting STREAM = new Setting(ConsumerSettings.STREAM.flag(), ConsumerSettings.STREAM.env(),
            null, "Stream name in S3 keys (default: from each event's source ARN).");
    public static final Setting METRICS_FILE = ConsumerSettings.METRICS_FILE;
    public static final Setting RESULT_RETENTION = ConsumerSettings.RESULT_RETENTION;
    public static final Setting MAX_STATE_BYTES = new Setting("max-state-bytes", "RTPIPE_MAX_STATE_BYTES", "1000000",
            "Largest window state carried between invocations, in bytes (Lambda allows 1 MB per shard).");

    /** Every analytics Lambda setting. */
    public static final List<Setting> ALL = List.of(RESULTS_TABLE, BUCKET, STREAM, METRICS_FILE, RESULT_RETENTION,
            MAX_STATE_BYTES);

    private AnalyticsLambdaSettings() {
    }
}
