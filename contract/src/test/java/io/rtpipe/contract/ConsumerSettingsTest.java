package io.rtpipe.contract;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerSettingsTest {

    @Test
    void flagsAndEnvironmentVariablesAreUniqueAndPrefixed() {
        Set<String> flags = new HashSet<>();
        Set<String> envs = new HashSet<>();
        for (Setting setting : ConsumerSettings.ALL) {
            assertThat(flags.add(setting.flag())).as("flag %s declared twice", setting.flag()).isTrue();
            assertThat(envs.add(setting.env())).as("env %s declared twice", setting.env()).isTrue();
            assertThat(setting.env()).startsWith("RTPIPE_");
        }
    }
}
