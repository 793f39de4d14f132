package io.rtpipe.connectors.aws;

import io.rtpipe.connectors.aws.AwsConfig.Service;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsConfigTest {

    private static final URI LOCAL = URI.create("http://127.0.0.1:4566");

    @Test
    void aPartialOverrideOfTheServicesUsedIsRefused() {
        assertThatThrownBy(() -> AwsConfig.builder().kinesisEndpoint(LOCAL).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("endpoint overrides must be set for all of");
    }

    @Test
    void aConfigLimitedToKinesisNeedsOnlyItsEndpointAndBuildsNoOtherClient() {
        AwsConfig kinesisOnly = AwsConfig.builder().services(Set.of(Service.KINESIS)).kinesisEndpoint(LOCAL)
                .credentials(new AwsConfig.StaticKeys("test", "test")).build();
        assertThat(kinesisOnly.isLocal()).isTrue();
        assertThat(kinesisOnly.toBuilder().build().services()).containsExactly(Service.KINESIS);
        AwsClients clients = new AwsClients(kinesisOnly);
        clients.kinesisAsync().close();
        // Without an endpoint of its own, a DynamoDB client would silently talk to real AWS.
        assertThatThrownBy(clients::dynamoDb).isInstanceOf(IllegalStateException.class)
                .hasMessage("this AWS config is for [KINESIS] only, not DYNAMODB");
        assertThatThrownBy(clients::s3).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(clients::cloudWatchAsync).isInstanceOf(IllegalStateException.class);
    }
}
