package io.rtpipe.infra;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InfraSettingsTest {

    @Test
    void noContextMeansTheDocumentedDefaults() {
        InfraSettings s = InfraSettings.fromContext(key -> null);
        assertThat(s.prefix()).isEqualTo("rtpipe");
        assertThat(s.streamMode()).isEqualTo(InfraSettings.StreamMode.PROVISIONED);
        assertThat(s.initialShards()).isEqualTo(2);
        assertThat(s.minShards()).isEqualTo(1);
        assertThat(s.maxShards()).isEqualTo(16);
        assertThat(s.lambdaJar()).isEqualTo("../lambda-handlers/target/rtpipe-lambda-handlers-0.1.0-SNAPSHOT.jar");
        assertThat(s.consumerImageDirectory()).isEqualTo("..");
        assertThat(s.analyticsLambda()).isFalse();
        assertThat(s.batchSize()).isEqualTo(500);
        assertThat(s.resultRetentionDays()).isEqualTo(30);
        assertThat(s.idleWatermarkAfter()).isEqualTo("1m");
        assertThat(s.alarmEmail()).isEmpty();
    }

    @Test
    void contextValuesFromTheCliOrCdkJsonOverrideDefaults() {
        Map<String, Object> context = Map.of("rtpipe:streamMode", "on-demand", "rtpipe:maxShards", 40,
                "rtpipe:minShards", "2", "rtpipe:analyticsLambda", "true", "rtpipe:alarmEmail", "ops@example.com",
                "rtpipe:resultRetentionDays", "400", "rtpipe:idleWatermarkAfter", "off");
        InfraSettings s = InfraSettings.fromContext(context::get);
        assertThat(s.streamMode()).isEqualTo(InfraSettings.StreamMode.ON_DEMAND);
        assertThat(s.maxShards()).isEqualTo(40);
        assertThat(s.minShards()).isEqualTo(2);
        assertThat(s.analyticsLambda()).isTrue();
        assertThat(s.alarmEmail()).contains("ops@example.com");
        assertThat(s.resultRetentionDays()).isEqualTo(400);
        assertThat(s.idleWatermarkAfter()).isEqualTo("off");
    }

    @Test
    void badContextGetsOneClearSentence() {
        assertThatThrownBy(() -> InfraSettings.fromContext(Map.<String, Object>of("rtpipe:streamMode", "auto")::get))
                .hasMessage("Invalid CDK context: rtpipe:streamMode must be 'provisioned' or 'on-demand', got 'auto'.");
        assertThatThrownBy(() -> InfraSettings.fromContext(Map.<String, Object>of("rtpipe:maxShards", "many")::get))
                .hasMessage("Invalid CDK context: rtpipe:maxShards must be a whole number, got 'many'.");
        assertThatThrownBy(() -> InfraSettings.fromContext(
                Map.<String, Object>of("rtpipe:minShards", "8", "rtpipe:maxShards", "4")::get))
                .hasMessageContaining("minShards <= maxShards");
        assertThatThrownBy(() -> InfraSettings.fromContext(
                Map.<String, Object>of("rtpipe:resultRetentionDays", "0")::get))
                .hasMessage("Invalid CDK context: resultRetentionDays must be at least 1.");
        assertThatThrownBy(() -> InfraSettings.fromContext(
                Map.<String, Object>of("rtpipe:idleWatermarkAfter", "soon")::get))
                .hasMessage("Invalid CDK context: rtpipe:idleWatermarkAfter: 'soon' is not a duration; write it like "
                        + "500ms, 30s, 2m, 1h or 30d, or 0 / off.");
    }
}
