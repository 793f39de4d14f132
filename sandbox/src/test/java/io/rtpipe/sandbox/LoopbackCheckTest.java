package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopbackCheckTest {

    private static AwsConfig.Builder local() {
        return AwsConfig.builder()
                .credentials(new AwsConfig.StaticKeys("test", "test"))
                .kinesisEndpoint(URI.create("http://127.0.0.1:4567"))
                .dynamoDbEndpoint(URI.create("http://localhost:4568"))
                .s3Endpoint(URI.create("http://[::1]:4569"))
                .cloudWatchEndpoint(URI.create("http://127.0.0.2:4570"));
    }

    @Test
    void acceptsEveryLoopbackSpelling() {
        assertThatCode(() -> LoopbackCheck.requireLoopback(local().build())).doesNotThrowAnyException();
    }

    @Test
    void refusesRealAwsNamingEveryService() {
        assertThatThrownBy(() -> LoopbackCheck.requireLoopback(AwsConfig.builder().build()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("Kinesis=real AWS, DynamoDB=real AWS, S3=real AWS, CloudWatch=real AWS");
    }

    @Test
    void refusesOneServicePointingElsewhere() {
        var config = local().cloudWatchEndpoint(URI.create("https://monitoring.us-east-1.amazonaws.com")).build();
        assertThatThrownBy(() -> LoopbackCheck.requireLoopback(config))
                .isInstanceOf(SandboxException.class)
                .hasMessageEndingWith("not loopback: CloudWatch=https://monitoring.us-east-1.amazonaws.com.");
    }

    @Test
    void neverTrustsNamesThatMerelyLookLocal() {
        assertThat(LoopbackCheck.isLoopback(URI.create("http://localhost.example.com:80"))).isFalse();
        assertThat(LoopbackCheck.isLoopback(URI.create("http://127.0.0.1.nip.io:80"))).isFalse();
        assertThat(LoopbackCheck.isLoopback(URI.create("http://10.0.0.1:80"))).isFalse();
    }
}
