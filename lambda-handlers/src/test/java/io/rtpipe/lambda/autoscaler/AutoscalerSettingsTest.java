package io.rtpipe.lambda.autoscaler;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutoscalerSettingsTest {

    @Test
    void readsTheEnvironmentTheCdkAppSets() {
        AutoscalerSettings s = AutoscalerSettings.fromEnvironment(Map.of(
                "STREAM_NAME", "events", "MIN_SHARDS", "2", "MAX_SHARDS", "16", "TARGET_UTILISATION", "0.6",
                "SCALE_IN_COOLDOWN_MINUTES", "90", "SCALING_ENABLED", "false", "AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL", "http://localhost:4566"));
        assertThat(s.streamName()).isEqualTo("events");
        assertThat(s.scalingEnabled()).isFalse();
        assertThat(s.config().minShards()).isEqualTo(2);
        assertThat(s.config().maxShards()).isEqualTo(16);
        assertThat(s.config().targetUtilisation()).isEqualTo(0.6);
        assertThat(s.config().scaleInCooldown()).isEqualTo(Duration.ofMinutes(90));
        assertThat(s.config().scaleOutCooldown()).isEqualTo(ScalingConfig.defaults().scaleOutCooldown());
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.endpoint()).isEqualTo(URI.create("http://localhost:4566"));
    }

    @Test
    void mistakesGetOneClearSentence() {
        assertThatThrownBy(() -> AutoscalerSettings.fromEnvironment(Map.of()))
                .hasMessage("STREAM_NAME is not set: the autoscaler needs the name of the stream it scales.");
        assertThatThrownBy(() -> AutoscalerSettings.fromEnvironment(Map.of("STREAM_NAME", "s", "MAX_SHARDS", "ten")))
                .hasMessage("MAX_SHARDS must be a whole number, got 'ten'.");
        assertThatThrownBy(() -> AutoscalerSettings.fromEnvironment(Map.of("STREAM_NAME", "s", "SCALING_ENABLED", "yes")))
                .hasMessage("SCALING_ENABLED must be true or false, got 'yes'.");
    }
}
