package io.rtpipe.lambda.analytics;

import io.rtpipe.contract.AnalyticsLambdaSettings;
import io.rtpipe.contract.Durations;
import io.rtpipe.contract.Setting;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The analytics Lambda's settings, read from its environment (set by the CDK app). The variables are declared in
 * {@link AnalyticsLambdaSettings}; those that mean what they mean for {@code rtpipe consume} have its names.
 *
 * <table>
 *   <tr><td>{@code RTPIPE_RESULTS_TABLE}</td><td>required: the DynamoDB results table (layout of
 *       {@code ResultsTable})</td></tr>
 *   <tr><td>{@code RTPIPE_ARCHIVE_BUCKET}</td><td>required: the S3 bucket of raw archive, dead letters and late
 *       records</td></tr>
 *   <tr><td>{@code RTPIPE_STREAM_NAME}</td><td>optional: the stream name in S3 keys; default: from the event source
 *       ARN</td></tr>
 *   <tr><td>{@code RTPIPE_RESULT_RETENTION}</td><td>30d: a result item expires (TTL) this long after its window's
 *       end</td></tr>
 *   <tr><td>{@code RTPIPE_MAX_STATE_BYTES}</td><td>1000000: the largest window state carried between invocations
 *       (Lambda's limit is 1 MB per shard)</td></tr>
 *   <tr><td>{@code AWS_REGION}</td><td>set by Lambda</td></tr>
 *   <tr><td>{@code AWS_ENDPOINT_URL}</td><td>unset in AWS; LocalStack sets it for its Lambdas</td></tr>
 *   <tr><td>{@code RTPIPE_METRICS_FILE}</td><td>optional: a metric spec, {@code s3://BUCKET/KEY} (set by the CDK app from {@code rtpipe:metricsFile}) or a file; default: the built-in events_per_minute
 *       (read by {@code KinesisAnalyticsHandler}, not part of these settings)</td></tr>
 * </table>
 *
 * @param streamName null to take it from each event's source ARN
 * @param endpoint   null for AWS's own endpoints
 */
public record AnalyticsSettings(String resultsTable, String archiveBucket, String streamName, int maxStateBytes,
                                Duration resultRetention, String region, URI endpoint) {

    /** 1,000,000 bytes: below Lambda's 1 MB state limit whichever way "MB" is counted, with room for the envelope. */
    public static final int DEFAULT_MAX_STATE_BYTES =
            Integer.parseInt(AnalyticsLambdaSettings.MAX_STATE_BYTES.defaultValue());
    public static final Duration DEFAULT_RESULT_RETENTION =
            Durations.parse(AnalyticsLambdaSettings.RESULT_RETENTION.defaultValue());

    public AnalyticsSettings {
        Objects.requireNonNull(resultsTable, "resultsTable");
        Objects.requireNonNull(archiveBucket, "archiveBucket");
        Objects.requireNonNull(resultRetention, "resultRetention");
        Objects.requireNonNull(region, "region");
        if (maxStateBytes < 1_024) {
            throw new IllegalArgumentException(AnalyticsLambdaSettings.MAX_STATE_BYTES.env()
                    + " must be at least 1024, got " + maxStateBytes + ".");
        }
        if (resultRetention.isNegative() || resultRetention.isZero()) {
            throw new IllegalArgumentException(AnalyticsLambdaSettings.RESULT_RETENTION.env()
                    + " must be positive, got " + resultRetention + ".");
        }
    }

    public Optional<String> fixedStreamName() {
        return Optional.ofNullable(streamName);
    }

    public static AnalyticsSettings fromEnvironment(Map<String, String> env) {
        Setting maxState = AnalyticsLambdaSettings.MAX_STATE_BYTES;
        String maxStateValue = valueOrDefault(env, maxState);
        int maxStateBytes;
        try {
            maxStateBytes = Integer.parseInt(maxStateValue);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(maxState.env() + " must be a whole number, got '" + maxStateValue
                    + "'.");
        }
        Setting retention = AnalyticsLambdaSettings.RESULT_RETENTION;
        Duration resultRetention;
        try {
            resultRetention = Durations.parse(valueOrDefault(env, retention));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(retention.env() + ": " + e.getMessage() + ".");
        }
        String endpoint = blankToNull(env.get("AWS_ENDPOINT_URL"));
        return new AnalyticsSettings(
                required(env, AnalyticsLambdaSettings.RESULTS_TABLE, "the DynamoDB table window results go to"),
                required(env, AnalyticsLambdaSettings.BUCKET, "the S3 bucket for the raw archive and dead letters"),
                blankToNull(env.get(AnalyticsLambdaSettings.STREAM.env())), maxStateBytes, resultRetention,
                env.getOrDefault("AWS_REGION", "us-east-1"), endpoint == null ? null : URI.create(endpoint));
    }

    private static String valueOrDefault(Map<String, String> env, Setting setting) {
        String value = blankToNull(env.get(setting.env()));
        return value != null ? value : setting.defaultValue();
    }

    private static String required(Map<String, String> env, Setting setting, String what) {
        String value = blankToNull(env.get(setting.env()));
        if (value == null) {
            throw new IllegalArgumentException(setting.env() + " is not set: the analytics Lambda needs " + what + ".");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
