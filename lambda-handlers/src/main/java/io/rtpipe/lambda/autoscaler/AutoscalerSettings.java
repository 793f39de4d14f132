package io.rtpipe.lambda.autoscaler;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The autoscaler Lambda's settings, read from its environment (set by the CDK app). Unset variables keep the
 * {@link ScalingConfig} defaults.
 *
 * <table>
 *   <tr><td>{@code STREAM_NAME}</td><td>required</td></tr>
 *   <tr><td>{@code SCALING_ENABLED}</td><td>{@code true}; {@code false} only publishes the shard count and logs decisions</td></tr>
 *   <tr><td>{@code MIN_SHARDS}, {@code MAX_SHARDS}</td><td>1, 64</td></tr>
 *   <tr><td>{@code TARGET_UTILISATION}</td><td>0.7</td></tr>
 *   <tr><td>{@code SCALE_OUT_COOLDOWN_MINUTES}, {@code SCALE_IN_COOLDOWN_MINUTES}, {@code SCALE_IN_WINDOW_MINUTES}</td><td>5, 60, 60</td></tr>
 *   <tr><td>{@code AWS_REGION}</td><td>set by Lambda</td></tr>
 *   <tr><td>{@code AWS_ENDPOINT_URL}</td><td>unset in AWS; LocalStack sets it for its Lambdas</td></tr>
 * </table>
 */
public record AutoscalerSettings(String streamName, boolean scalingEnabled, ScalingConfig config, String region,
                                 URI endpoint) {

    public AutoscalerSettings {
        Objects.requireNonNull(streamName, "streamName");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(region, "region");
    }

    public static AutoscalerSettings fromEnvironment(Map<String, String> env) {
        String stream = env.get("STREAM_NAME");
        if (stream == null || stream.isBlank()) {
            throw new IllegalArgumentException("STREAM_NAME is not set: the autoscaler needs the name of the stream "
                    + "it scales.");
        }
        ScalingConfig.Builder config = ScalingConfig.builder();
        if (env.containsKey("MIN_SHARDS")) {
            config.minShards(integer(env, "MIN_SHARDS"));
        }
        if (env.containsKey("MAX_SHARDS")) {
            config.maxShards(integer(env, "MAX_SHARDS"));
        }
        if (env.containsKey("TARGET_UTILISATION")) {
            config.targetUtilisation(decimal(env, "TARGET_UTILISATION"));
        }
        if (env.containsKey("SCALE_OUT_COOLDOWN_MINUTES")) {
            config.scaleOutCooldown(Duration.ofMinutes(integer(env, "SCALE_OUT_COOLDOWN_MINUTES")));
        }
        if (env.containsKey("SCALE_IN_COOLDOWN_MINUTES")) {
            config.scaleInCooldown(Duration.ofMinutes(integer(env, "SCALE_IN_COOLDOWN_MINUTES")));
        }
        if (env.containsKey("SCALE_IN_WINDOW_MINUTES")) {
            config.scaleInWindow(Duration.ofMinutes(integer(env, "SCALE_IN_WINDOW_MINUTES")));
        }
        String enabled = env.getOrDefault("SCALING_ENABLED", "true");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new IllegalArgumentException("SCALING_ENABLED must be true or false, got '" + enabled + "'.");
        }
        String endpoint = env.get("AWS_ENDPOINT_URL");
        return new AutoscalerSettings(stream, Boolean.parseBoolean(enabled), config.build(),
                env.getOrDefault("AWS_REGION", "us-east-1"),
                endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint));
    }

    private static int integer(Map<String, String> env, String name) {
        try {
            return Integer.parseInt(env.get(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + env.get(name) + "'.");
        }
    }

    private static double decimal(Map<String, String> env, String name) {
        try {
            return Double.parseDouble(env.get(name).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + env.get(name) + "'.");
        }
    }
}
