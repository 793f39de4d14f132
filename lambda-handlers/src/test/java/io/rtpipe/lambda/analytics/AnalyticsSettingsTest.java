package io.rtpipe.lambda.analytics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The variables are spelled out here as the CDK app and the docs name them, not taken from the declarations. */
class AnalyticsSettingsTest {

    @Test
    void readsTheConsumersVariableNamesWithDocumentedDefaults() {
        AnalyticsSettings s = AnalyticsSettings.fromEnvironment(Map.of(
                "RTPIPE_RESULTS_TABLE", "results", "RTPIPE_ARCHIVE_BUCKET", "archive", "AWS_REGION", "eu-west-1"));
        assertThat(s.resultsTable()).isEqualTo("results");
        assertThat(s.archiveBucket()).isEqualTo("archive");
        assertThat(s.fixedStreamName()).isEmpty();
        assertThat(s.resultRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(s.maxStateBytes()).isEqualTo(1_000_000);
        assertThat(s.region()).isEqualTo("eu-west-1");
    }

    @Test
    void givenValuesWin() {
        AnalyticsSettings s = AnalyticsSettings.fromEnvironment(Map.of(
                "RTPIPE_RESULTS_TABLE", "results", "RTPIPE_ARCHIVE_BUCKET", "archive",
                "RTPIPE_STREAM_NAME", "events", "RTPIPE_RESULT_RETENTION", "7d", "RTPIPE_MAX_STATE_BYTES", "2048"));
        assertThat(s.fixedStreamName()).contains("events");
        assertThat(s.resultRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(s.maxStateBytes()).isEqualTo(2048);
    }

    @Test
    void mistakesAreOneSentenceNamingTheVariable() {
        assertThatThrownBy(() -> AnalyticsSettings.fromEnvironment(Map.of("RTPIPE_ARCHIVE_BUCKET", "a")))
                .hasMessage("RTPIPE_RESULTS_TABLE is not set: the analytics Lambda needs the DynamoDB table window "
                        + "results go to.");
        assertThatThrownBy(() -> AnalyticsSettings.fromEnvironment(Map.of("RTPIPE_RESULTS_TABLE", "r",
                "RTPIPE_ARCHIVE_BUCKET", "a", "RTPIPE_RESULT_RETENTION", "a month")))
                .hasMessage("RTPIPE_RESULT_RETENTION: 'a month' is not a duration; write it like 500ms, 30s, 2m, 1h "
                        + "or 30d.");
    }
}
