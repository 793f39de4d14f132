package io.rtpipe.sandbox;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendTest {

    @Test
    void nothingSelectedMeansNoChoiceSoTheDefaultApplies() {
        assertThat(Backend.selected(Map.of(), Map.of())).isEmpty();
        assertThat(Backend.selected(Map.of("rtpipe.sandbox", " "), Map.of("RTPIPE_SANDBOX", ""))).isEmpty();
    }

    @Test
    void propertyWinsOverEnvironment() {
        assertThat(Backend.selected(Map.of("rtpipe.sandbox", "localstack"), Map.of("RTPIPE_SANDBOX", "aws")))
                .contains(Backend.LOCALSTACK);
        assertThat(Backend.selected(Map.of(), Map.of("RTPIPE_SANDBOX", "aws"))).contains(Backend.AWS);
    }

    @Test
    void valuesAreCaseInsensitiveAndTrimmed() {
        assertThat(Backend.parse(" Emulators ", "test")).isEqualTo(Backend.EMULATORS);
        assertThat(Backend.parse("LOCALSTACK", "test")).isEqualTo(Backend.LOCALSTACK);
    }

    @Test
    void invalidPropertyNamesTheSettingAndEveryAllowedValue() {
        assertThatThrownBy(() -> Backend.selected(Map.of("rtpipe.sandbox", "docker"), Map.of()))
                .isInstanceOf(SandboxException.class)
                .hasMessage("System property rtpipe.sandbox is 'docker' but must be one of emulators, localstack, aws.");
    }

    @Test
    void invalidEnvironmentVariableIsNamedToo() {
        assertThatThrownBy(() -> Backend.selected(Map.of(), Map.of("RTPIPE_SANDBOX", "kinesalite")))
                .isInstanceOf(SandboxException.class)
                .hasMessageStartingWith("Environment variable RTPIPE_SANDBOX is 'kinesalite' but must be one of");
    }

    @Test
    void awsBackendIsRefusedInCi() {
        var config = SandboxConfig.builder().backend(Backend.AWS).build();
        assertThatThrownBy(() -> AwsAccountLocalAws.start(config, Map.of("CI", "true")))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("refused in CI");
    }

    @Test
    void awsBackendOutsideCiUsesTheConfiguredProfileAndNoEndpointOverrides() {
        var config = SandboxConfig.builder().backend(Backend.AWS).awsProfile("rtpipe-dev").region("eu-west-1").build();
        try (LocalAws aws = AwsAccountLocalAws.start(config, Map.of())) {
            assertThat(aws.awsConfig().isLocal()).isFalse();
            assertThat(aws.awsConfig().region()).isEqualTo("eu-west-1");
            assertThat(aws.awsConfig().credentials()).isEqualTo(
                    new io.rtpipe.connectors.aws.AwsConfig.Profile("rtpipe-dev"));
        }
    }
}
