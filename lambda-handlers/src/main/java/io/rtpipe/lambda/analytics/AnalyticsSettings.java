package io.rtpipe.lambda.analytics;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The analytics Lambda's settings, read from its environment (set by the CDK app).
 *
 * <table>
 *   <tr><td>{@code RESULTS_TABLE}</td><td>required: the DynamoDB results table (layout of {@code ResultsTable})</td></tr>
 *   <tr><td>{@code ARCHIVE_BUCKET}</td><td>required: the S3 bucket of raw archive, dead letters and late records</td></tr>
 *   <tr><td>{@code STREAM_NAME}</td><td>optional: the stream name in S3 keys; default: from the event source ARN</td></tr>
 *   <tr><td>{@code MAX_STATE_BYTES}</td><td>{@value #DEFAULT_MAX_STATE_BYTES}: the largest window state carried
 *       between invocations (Lambda's limit is 1 MB per shard)</td></tr>
 *   <tr><td>{@code AWS_REGION}</td><td>set by Lambda</td></tr>
 *   <tr><td>{@code AWS_ENDPOINT_URL}</td><td>unset in AWS; LocalStack sets it for its Lambdas</td></tr>
 *   <tr><td>{@code METRICS_FILE}</td><td>optional: a metric spec file; default: the built-in events_per_minute
 *       (read by {@code KinesisAnalyticsHandler}, not part of these settings)</td></tr>
 * </table>
 *
 * @param streamName null to take it from each event's source ARN
 * @param endpoint   null for AWS's own endpoints
 */
public record AnalyticsSettings(String resultsTable, String archiveBucket, String streamName, int maxStateBytes,
                                String region, URI endpoint) {

    /** 1,000,000 bytes: below Lambda's 1 MB state limit whichever way "MB" is counted, with room for the envelope. */
    public static final int DEFAULT_MAX_STATE_BYTES = 1_000_000;

    public AnalyticsSettings {
        Objects.requireNonNull(resultsTable, "resultsTable");
        Objects.requireNonNull(archiveBucket, "archiveBucket");
        Objects.requireNonNull(region, "region");
        if (maxStateBytes < 1_024) {
            throw new IllegalArgumentException("MAX_STATE_BYTES must be at least 1024, got " + maxStateBytes + ".");
        }
    }

    public Optional<String> fixedStreamName() {
        return Optional.ofNullable(streamName);
    }

    public static AnalyticsSettings fromEnvironment(Map<String, String> env) {
        String maxState = env.get("MAX_STATE_BYTES");
        int maxStateBytes;
        try {
            maxStateBytes = maxState == null ? DEFAULT_MAX_STATE_BYTES : Integer.parseInt(maxState.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MAX_STATE_BYTES must be a whole number, got '" + maxState + "'.");
        }
        String endpoint = blankToNull(env.get("AWS_ENDPOINT_URL"));
        return new AnalyticsSettings(required(env, "RESULTS_TABLE", "the DynamoDB table window results go to"),
                required(env, "ARCHIVE_BUCKET", "the S3 bucket for the raw archive and dead letters"),
                blankToNull(env.get("STREAM_NAME")), maxStateBytes, env.getOrDefault("AWS_REGION", "us-east-1"),
                endpoint == null ? null : URI.create(endpoint));
    }

    private static String required(Map<String, String> env, String name, String what) {
        String value = blankToNull(env.get(name));
        if (value == null) {
            throw new IllegalArgumentException(name + " is not set: the analytics Lambda needs " + what + ".");
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
