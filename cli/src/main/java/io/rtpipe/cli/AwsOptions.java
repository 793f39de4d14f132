package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsConfig;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;

/** Where and as whom {@code produce}, {@code consume} and {@code query} talk to AWS: flags, or the same env vars. */
final class AwsOptions {

    @Option(names = "--region", defaultValue = "${env:AWS_REGION:-us-east-1}",
            description = "AWS region (env AWS_REGION; default ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--profile", defaultValue = "${env:AWS_PROFILE}",
            description = "Credentials profile (env AWS_PROFILE); default: the SDK's default credential chain.")
    String profile;

    @Option(names = "--endpoint", defaultValue = "${env:RTPIPE_ENDPOINT}",
            description = "One endpoint for every service, e.g. LocalStack's http://localhost:4566 (env RTPIPE_ENDPOINT).")
    String endpoint;

    @Option(names = "--kinesis-endpoint", defaultValue = "${env:RTPIPE_KINESIS_ENDPOINT}",
            description = "Kinesis endpoint override (env RTPIPE_KINESIS_ENDPOINT).")
    String kinesisEndpoint;

    @Option(names = "--dynamodb-endpoint", defaultValue = "${env:RTPIPE_DYNAMODB_ENDPOINT}",
            description = "DynamoDB endpoint override (env RTPIPE_DYNAMODB_ENDPOINT).")
    String dynamoDbEndpoint;

    @Option(names = "--s3-endpoint", defaultValue = "${env:RTPIPE_S3_ENDPOINT}",
            description = "S3 endpoint override (env RTPIPE_S3_ENDPOINT).")
    String s3Endpoint;

    @Option(names = "--cloudwatch-endpoint", defaultValue = "${env:RTPIPE_CLOUDWATCH_ENDPOINT}",
            description = "CloudWatch endpoint override (env RTPIPE_CLOUDWATCH_ENDPOINT).")
    String cloudWatchEndpoint;

    AwsConfig toConfig() {
        AwsConfig.Builder builder = AwsConfig.builder().region(region);
        if (profile != null && !profile.isBlank()) {
            builder.credentials(new AwsConfig.Profile(profile));
        }
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpoint(uri("--endpoint", endpoint));
        }
        if (kinesisEndpoint != null) {
            builder.kinesisEndpoint(uri("--kinesis-endpoint", kinesisEndpoint));
        }
        if (dynamoDbEndpoint != null) {
            builder.dynamoDbEndpoint(uri("--dynamodb-endpoint", dynamoDbEndpoint));
        }
        if (s3Endpoint != null) {
            builder.s3Endpoint(uri("--s3-endpoint", s3Endpoint));
        }
        if (cloudWatchEndpoint != null) {
            builder.cloudWatchEndpoint(uri("--cloudwatch-endpoint", cloudWatchEndpoint));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new CliException("set --endpoint, or all four of --kinesis-endpoint, --dynamodb-endpoint, "
                    + "--s3-endpoint and --cloudwatch-endpoint, or none: a partial override would send some calls "
                    + "to real AWS");
        }
    }

    private static URI uri(String flag, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new CliException(flag + " must be an http(s) URL such as http://localhost:4566, got '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException(flag + " is not a valid URL: '" + value + "'");
        }
    }
}
