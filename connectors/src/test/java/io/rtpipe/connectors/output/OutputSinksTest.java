package io.rtpipe.connectors.output;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.aws.AwsConfig.Service;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.publish.FinalResultsSink;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputSinksTest {
    private static final URI EMULATOR = URI.create("http://127.0.0.1:4566");
    private static final URI FAKE = URI.create("http://127.0.0.1:9999");

    private static EngineConfig spec(String outputs) {
        return SpecLoader.standard().parse("orders.yaml", """
                metrics:
                  - name: orders
                    group_by: [type]
                    aggregates: [{name: count, fn: count}]
                    outputs: [%s]
                    alert: {when: "count > 3"}
                """.formatted(outputs));
    }

    private static AwsConfig.Builder emulators() {
        return AwsConfig.builder().credentials(new AwsConfig.StaticKeys("test", "test")).kinesisEndpoint(EMULATOR)
                .dynamoDbEndpoint(EMULATOR).s3Endpoint(EMULATOR).cloudWatchEndpoint(EMULATOR);
    }

    @Test
    void aLocalConfigWithoutTheOutputsEndpointsIsRefusedNamingThemAndTheVariables() {
        EngineConfig engine = spec("{kinesis: out}, {sns: \"arn:aws:sns:us-east-1:1:alerts\"}, {firehose: lake}");

        assertThatThrownBy(() -> OutputSinks.withServices(emulators().build(), engine))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the spec's outputs [firehose: lake, sns: arn:aws:sns:us-east-1:1:alerts] need real "
                        + "endpoints, as no emulator has [FIREHOSE, SNS]: set AWS_ENDPOINT_URL_FIREHOSE, "
                        + "AWS_ENDPOINT_URL_SNS, else their calls would reach real AWS");
    }

    @Test
    void theOutputsServicesJoinTheConfigAndEachKindGetsOneSink() {
        EngineConfig engine = spec("{kinesis: out}, {kinesis: other}, {sns: \"arn:aws:sns:us-east-1:1:alerts\"}");
        AwsConfig aws = OutputSinks.withServices(emulators().snsEndpoint(FAKE).build(), engine);

        assertThat(aws.services()).containsExactlyInAnyOrder(Service.KINESIS, Service.DYNAMODB, Service.S3,
                Service.CLOUDWATCH, Service.SNS);
        assertThat(OutputSinks.needsAlertLedger(engine)).isTrue();
        try (OutputSinks sinks = OutputSinks.of(engine, new AwsClients(aws), null, null, RetryPolicy.defaults())) {
            assertThat(sinks.sinks()).extracting(FinalResultsSink::name).containsExactly("kinesis", "sns");
            assertThat(sinks.sinks().get(1)).isInstanceOf(AlertSink.class);
        }
    }

    @Test
    void aSpecWithoutOutputsNeedsNothing() {
        EngineConfig engine = EngineConfig.defaults();
        AwsConfig aws = emulators().build();

        assertThat(OutputSinks.withServices(aws, engine)).isSameAs(aws);
        assertThat(OutputSinks.services(engine)).isEqualTo(EnumSet.noneOf(Service.class));
        assertThat(OutputSinks.needsAlertLedger(engine)).isFalse();
        try (OutputSinks sinks = OutputSinks.of(engine, new AwsClients(aws), null, null, RetryPolicy.defaults())) {
            assertThat(sinks.sinks()).isEmpty();
        }
    }
}
