package io.rtpipe.contract;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerSettingsTest {

    @Test
    void flagsAndEnvironmentVariablesAreUniqueAndPrefixed() {
        assertUniqueAndPrefixed(ConsumerSettings.ALL);
        assertUniqueAndPrefixed(AnalyticsLambdaSettings.ALL);
    }

    @Test
    void theLambdaReadsTheConsumersNamesWhereTheMeaningIsTheSame() {
        assertThat(AnalyticsLambdaSettings.RESULTS_TABLE.env()).isEqualTo("RTPIPE_RESULTS_TABLE");
        assertThat(AnalyticsLambdaSettings.BUCKET.env()).isEqualTo("RTPIPE_ARCHIVE_BUCKET");
        assertThat(AnalyticsLambdaSettings.STREAM.env()).isEqualTo("RTPIPE_STREAM_NAME");
        assertThat(AnalyticsLambdaSettings.RESULT_RETENTION).isEqualTo(ConsumerSettings.RESULT_RETENTION);
    }

    private static void assertUniqueAndPrefixed(java.util.List<Setting> settings) {
        Set<String> flags = new HashSet<>();
        Set<String> envs = new HashSet<>();
        for (Setting setting : settings) {
            assertThat(flags.add(setting.flag())).as("flag %s declared twice", setting.flag()).isTrue();
            assertThat(envs.add(setting.env())).as("env %s declared twice", setting.env()).isTrue();
            assertThat(setting.env()).startsWith("RTPIPE_");
        }
    }
}
