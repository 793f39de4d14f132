package io.rtpipe.contract;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The settings of {@code rtpipe consume}, the process the ECS task runs. Each is a flag, an environment variable of
 * the same meaning (a flag beats the variable) and a default. The cli derives its options from these, the consumer's
 * {@code ConsumerConfig} its defaults, worker launchers their argv and the CDK app the container environment.
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
    public static final Setting ALERTS_TABLE = new Setting("alerts-table", "RTPIPE_ALERTS_TABLE", null,
            "DynamoDB alert ledger, which notifications were sent (default <application>-alerts; used only by a "
                    + "spec with alerts).");
    public static final Setting LEASE_TABLE = new Setting("lease-table", "RTPIPE_LEASE_TABLE", null,
            "DynamoDB lease table of KCL (default <application>).");
    public static final Setting METRICS_FILE = new Setting("metrics", "RTPIPE_METRICS_FILE", null,
            "Metric spec (YAML, or SQL if it ends in .sql): a file, or s3://BUCKET/KEY as the CDK app ships it "
                    + "(default: the built-in events_per_minute).");
    public static final Setting RESULT_RETENTION = new Setting("result-retention", "RTPIPE_RESULT_RETENTION", "30d",
            "How long DynamoDB keeps a window result after the window's end (its expiresAt, the table's TTL).");

    // KCL timing: defaults suit production (most are KCL's own); tests and chaos runs shorten them.
    public static final Setting CHECKPOINT_INTERVAL = new Setting("checkpoint-interval", "RTPIPE_CHECKPOINT_INTERVAL",
            "10s", "How often a shard plans a checkpoint (writes its interval objects and progress).");
    public static final Setting FAILOVER_TIME = new Setting("failover-time", "RTPIPE_FAILOVER_TIME", "10s",
            "A lease not renewed for this long may be taken by another worker.");
    public static final Setting IDLE_TIME_BETWEEN_READS = new Setting("idle-time-between-reads",
            "RTPIPE_IDLE_TIME_BETWEEN_READS", "1s",
            "Pause between GetRecords calls per shard when polling (one read/s leaves room for a second consumer).");
    public static final Setting SHARD_SYNC_INTERVAL = new Setting("shard-sync-interval", "RTPIPE_SHARD_SYNC_INTERVAL",
            "60s", "How often the worker looks for new shards.");
    public static final Setting PARENT_SHARD_POLL_INTERVAL = new Setting("parent-shard-poll-interval",
            "RTPIPE_PARENT_SHARD_POLL_INTERVAL", "10s", "How often a child shard checks whether its parents finished.");
    public static final Setting DISPATCH_INTERVAL = new Setting("dispatch-interval", "RTPIPE_DISPATCH_INTERVAL", "1s",
            "How often the worker advances its shard consumers (each lifecycle step takes one pass).");
    public static final Setting GRACEFUL_SHUTDOWN_TIMEOUT = new Setting("graceful-shutdown-timeout",
            "RTPIPE_GRACEFUL_SHUTDOWN_TIMEOUT", "20s",
            "How long a graceful stop may take before the worker stops without final checkpoints.");

    // KCL reads: KCL's default suits Kinesis (at most 10 MB per call); an emulator may need smaller pages.
    public static final Setting MAX_RECORDS_PER_CALL = new Setting("max-records-per-call",
            "RTPIPE_MAX_RECORDS_PER_CALL", "10000",
            "Most records one GetRecords call asks for when polling, 1 to 10000 (rtpipe local asks for ~2 MB pages).");

    // The engine's one processing-time input: an idle shard still closes its windows.
    public static final Setting IDLE_WATERMARK_AFTER = new Setting("idle-watermark-after",
            "RTPIPE_IDLE_WATERMARK_AFTER", "1m",
            "A shard with no new records for this long at the stream's tip moves its watermark on by as much, so its "
                    + "windows close and its mark follows the other shards; one that has read no record starts at "
                    + "the lowest mark of the others, if one has a mark (0 or off: never; the decision is stored, so "
                    + "a replay decides alike).");

    // Final results as Parquet on S3, once every shard has fired a whole hour of a metric's windows.
    public static final Setting PARQUET_RESULTS = new Setting("parquet-results", "RTPIPE_PARQUET_RESULTS", "off",
            "on: write each metric's final results to the bucket as Parquet, one object per metric and hour of "
                    + "window start, once all of that hour's windows are final (off: DynamoDB only).");
    public static final Setting PARQUET_PREFIX = new Setting("parquet-prefix", "RTPIPE_PARQUET_PREFIX",
            ArchivePrefixes.RESULTS_PARQUET, "Key prefix of the Parquet results in the bucket.");

    /** Where the pipeline reads and writes, in help order. */
    public static final List<Setting> RESOURCES = List.of(STREAM, APPLICATION, BUCKET, RESULTS_TABLE, PROGRESS_TABLE,
            ALERTS_TABLE, LEASE_TABLE, METRICS_FILE, RESULT_RETENTION);

    /** KCL's intervals and timeouts (durations), in help order. */
    public static final List<Setting> KCL_TIMING = List.of(CHECKPOINT_INTERVAL, FAILOVER_TIME, IDLE_TIME_BETWEEN_READS,
            SHARD_SYNC_INTERVAL, PARENT_SHARD_POLL_INTERVAL, DISPATCH_INTERVAL, GRACEFUL_SHUTDOWN_TIMEOUT);

    /** How much KCL asks for per read (counts), in help order. */
    public static final List<Setting> KCL_READS = List.of(MAX_RECORDS_PER_CALL);

    public static final Setting METRICS_NAMESPACE = new Setting("metrics-namespace", "RTPIPE_METRICS_NAMESPACE", null,
            "CloudWatch namespace of the worker's metrics, printed to stdout in embedded metric format once per "
                    + "report interval (default: none printed).");
    public static final Setting HEALTH_FILE = new Setting("health-file", "RTPIPE_HEALTH_FILE", null,
            "File the worker rewrites once per report interval while it is healthy and deletes when it is not, for "
                    + "a container health check (default: none written).");

    /** What the worker reports for monitoring: EMF metric lines and a health file, each only if named. */
    public static final List<Setting> REPORTS = List.of(METRICS_NAMESPACE, HEALTH_FILE);

    /** When windows close on a quiet shard. */
    public static final List<Setting> WATERMARKS = List.of(IDLE_WATERMARK_AFTER);

    /** Where final results are published besides the results table. */
    public static final List<Setting> PUBLISHING = List.of(PARQUET_RESULTS, PARQUET_PREFIX);

    /** Every consumer setting, in help order. */
    public static final List<Setting> ALL = Stream.of(RESOURCES, WATERMARKS, PUBLISHING, REPORTS, KCL_TIMING,
                    KCL_READS)
            .flatMap(List::stream).toList();

    private ConsumerSettings() {
    }

    /**
     * The value of an on/off setting ({@link #PARQUET_RESULTS}): {@code on} or {@code off} (also true/false).
     *
     * @throws IllegalArgumentException one sentence saying how to write it
     */
    public static boolean onOff(Setting setting, String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException(setting.option() + " (or " + setting.env() + "): '" + text
                    + "' is neither on nor off");
        };
    }

    /**
     * The value of {@link #IDLE_WATERMARK_AFTER}: a duration, or {@code 0} / {@code off} ({@link Duration#ZERO}:
     * never advance an idle shard's watermark).
     *
     * @throws IllegalArgumentException one sentence saying how to write it
     */
    public static Duration idleWatermarkAfter(String text) {
        String trimmed = text.trim();
        if (trimmed.equals("0") || trimmed.equalsIgnoreCase("off")) {
            return Duration.ZERO;
        }
        try {
            return Durations.parse(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or 0 / off");
        }
    }
}
