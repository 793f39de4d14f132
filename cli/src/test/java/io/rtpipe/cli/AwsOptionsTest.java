package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.connectors.aws.AwsConfig.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Region and endpoints follow the AWS SDK's conventions, and a flag always beats the environment. */
class AwsOptionsTest {

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>(Map.of("AWS_CONFIG_FILE", "/nonexistent/aws-config"));

    private AwsOptions parse(String... flags) {
        CommandLine cli = Main.commandLine(env);
        String[] args = new String[flags.length + 3];
        System.arraycopy(new String[] {"produce", "--stream", "s"}, 0, args, 0, 3);
        System.arraycopy(flags, 0, args, 3, flags.length);
        cli.parseArgs(args);
        return ((ProduceCommand) cli.getSubcommands().get("produce").getCommand()).aws;
    }

    private AwsConfig all(String... flags) {
        return parse(flags).toConfig(AwsOptions.ALL);
    }

    @Test
    void theOutputsEndpointsAreCarriedForASpecToAddTheirServicesAndADeprecatedVariableWarnsOnce() {
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        env.putAll(Map.of("AWS_REGION", "us-east-1", "RTPIPE_ENDPOINT", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:9999"));
        AwsConfig config = new AwsOptions(env, new java.io.PrintStream(warnings, true)).toConfig(AwsOptions.ALL);

        assertThat(config.services()).isEqualTo(AwsOptions.ALL);
        assertThat(config.endpoint(Service.SNS)).contains(URI.create("http://127.0.0.1:9999"));
        assertThat(config.endpoint(Service.FIREHOSE)).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(warnings.toString()).isEqualTo("rtpipe: RTPIPE_ENDPOINT is deprecated; set AWS_ENDPOINT_URL instead"
                + System.lineSeparator());
    }

    @Test
    void regionFromTheFlagThenAwsRegionThenAwsDefaultRegionThenTheProfile() throws IOException {
        Path config = Files.writeString(dir.resolve("config"), """
                [default]
                region = sa-east-1
                [profile dev]
                region = ap-south-1
                """);
        env.put("AWS_CONFIG_FILE", config.toString());
        assertThat(all().region()).isEqualTo("sa-east-1");
        assertThat(all("--profile", "dev").region()).isEqualTo("ap-south-1");
        env.put("AWS_PROFILE", "dev");
        assertThat(all().region()).isEqualTo("ap-south-1");
        env.put("AWS_DEFAULT_REGION", "eu-central-1");
        assertThat(all().region()).isEqualTo("eu-central-1");
        env.put("AWS_REGION", "eu-west-1");
        assertThat(all().region()).isEqualTo("eu-west-1");
        assertThat(all("--region", "us-west-2").region()).isEqualTo("us-west-2");
    }

    @Test
    void theGlueEndpointIsCarriedAlongForASpecThatReadsTheGlueSchemaRegistry() {
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        AwsConfig config = all();
        assertThat(config.services()).doesNotContain(Service.GLUE);
        assertThat(config.glueEndpoint()).contains(URI.create("http://127.0.0.1:4566"));
        env.put("AWS_ENDPOINT_URL_GLUE", "http://127.0.0.1:5000");
        assertThat(all().glueEndpoint()).contains(URI.create("http://127.0.0.1:5000"));
        assertThat(all("--glue-endpoint", "http://127.0.0.1:5001").glueEndpoint())
                .contains(URI.create("http://127.0.0.1:5001"));
    }

    @Test
    void noRegionAnywhereIsOneSentence() {
        assertThatThrownBy(this::all).isInstanceOf(CliException.class).hasMessage("no AWS region is set: pass "
                + "--region, set AWS_REGION or AWS_DEFAULT_REGION, or add region to profile 'default' in the AWS "
                + "config file");
    }

    @Test
    void noRegionOnTheCommandLineIsExitCode2() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(env);
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("tail", "--stream", "s")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("rtpipe: no AWS region is set: pass --region, set AWS_REGION or "
                + "AWS_DEFAULT_REGION, or add region to profile 'default' in the AWS config file"
                + System.lineSeparator());
    }

    @Test
    void endpointsFromFlagsBeatTheEnvironmentServiceByService() {
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        env.put("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567");
        AwsConfig fromEnv = all();
        assertThat(fromEnv.kinesisEndpoint()).contains(URI.create("http://127.0.0.1:4567"));
        assertThat(fromEnv.dynamoDbEndpoint()).contains(URI.create("http://127.0.0.1:4566"));

        AwsConfig oneFlag = all("--kinesis-endpoint", "http://127.0.0.1:9001");
        assertThat(oneFlag.kinesisEndpoint()).contains(URI.create("http://127.0.0.1:9001"));
        assertThat(oneFlag.s3Endpoint()).contains(URI.create("http://127.0.0.1:4566"));

        // --endpoint is a flag too: it beats the service-specific variable.
        AwsConfig everyFlag = all("--endpoint", "http://127.0.0.1:9002");
        for (Service service : AwsOptions.ALL) {
            assertThat(everyFlag.endpoint(service)).contains(URI.create("http://127.0.0.1:9002"));
        }
    }

    @Test
    void theDeprecatedVariablesStillWorkBelowTheSdkOnes() {
        env.put("AWS_REGION", "us-east-1");
        env.put("RTPIPE_ENDPOINT", "http://127.0.0.1:4566");
        env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4568");
        AwsConfig config = all();
        assertThat(config.kinesisEndpoint()).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(config.s3Endpoint()).contains(URI.create("http://127.0.0.1:4568"));
    }

    @Test
    void configuredEndpointsAreIgnoredAsTheSdkDoesWhenAsked() {
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        env.put("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        assertThat(all().isLocal()).isFalse();
    }

    @Test
    void aCommandAsksOnlyForTheEndpointsOfTheServicesItUses() {
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567");
        AwsConfig kinesisOnly = parse().toConfig(Set.of(Service.KINESIS));
        assertThat(kinesisOnly.kinesisEndpoint()).contains(URI.create("http://127.0.0.1:4567"));
        assertThat(kinesisOnly.isLocal()).isTrue();
        assertThatThrownBy(() -> parse().toConfig(AwsOptions.ALL)).isInstanceOf(CliException.class)
                .hasMessage("endpoints are set for Kinesis (AWS_ENDPOINT_URL_KINESIS) but not for DynamoDB, S3 and "
                        + "CloudWatch: set all (--endpoint or AWS_ENDPOINT_URL sets every one) or none, as a partial "
                        + "override would send some calls to real AWS");
    }

    @Test
    void aPartialSetOnTheCommandLineIsExitCode2() {
        env.put("AWS_REGION", "us-east-1");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(env);
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("consume", "--stream", "s", "--bucket", "b",
                "--kinesis-endpoint", "http://127.0.0.1:1", "--s3-endpoint", "http://127.0.0.1:2");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("rtpipe: endpoints are set for Kinesis and S3 (--kinesis-endpoint, "
                + "--s3-endpoint) but not for DynamoDB and CloudWatch: set all (--endpoint or AWS_ENDPOINT_URL sets "
                + "every one) or none, as a partial override would send some calls to real AWS"
                + System.lineSeparator());
    }

    @Test
    void exportLinesPointTheSdkAtALocalConfig() {
        AwsConfig config = AwsConfig.builder().region("us-east-1")
                .credentials(new AwsConfig.StaticKeys("test", "test"))
                .kinesisEndpoint(URI.create("http://127.0.0.1:1001"))
                .dynamoDbEndpoint(URI.create("http://127.0.0.1:1002"))
                .s3Endpoint(URI.create("http://127.0.0.1:1003"))
                .cloudWatchEndpoint(URI.create("http://127.0.0.1:1004")).build();
        assertThat(AwsOptions.exportLines(config)).containsExactly(
                "export AWS_REGION=us-east-1",
                "export AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:1001",
                "export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:1002",
                "export AWS_ENDPOINT_URL_S3=http://127.0.0.1:1003",
                "export AWS_ENDPOINT_URL_CLOUDWATCH=http://127.0.0.1:1004",
                "export AWS_ACCESS_KEY_ID=test",
                "export AWS_SECRET_ACCESS_KEY=test",
                "export AWS_EC2_METADATA_DISABLED=true");
        // ... and what they export is what the options read back.
        env.clear();
        AwsOptions.exportLines(config).forEach(line -> {
            String[] nameValue = line.substring("export ".length()).split("=", 2);
            env.put(nameValue[0], nameValue[1]);
        });
        AwsConfig back = all();
        for (Service service : Service.values()) {
            assertThat(back.endpoint(service)).isEqualTo(config.endpoint(service));
        }
        assertThat(back.region()).isEqualTo("us-east-1");
    }
}
