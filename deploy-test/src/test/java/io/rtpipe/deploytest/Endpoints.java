package io.rtpipe.deploytest;

import io.rtpipe.connectors.aws.AwsConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The only variables the test adds to a deployed component's environment: where the emulators are (the variables
 * the cli's AwsOptions reads), static credentials standing in for the task role, the region ECS and Lambda set, and
 * no instance-metadata probing.
 */
final class Endpoints {

    private Endpoints() {
    }

    static Map<String, String> cliEnvironment(AwsConfig aws) {
        Map<String, String> env = new LinkedHashMap<>();
        // The SDK's service-specific variables, which AwsOptions reads (AWS_ENDPOINT_URL_<SERVICE>).
        env.put("AWS_ENDPOINT_URL_KINESIS", aws.kinesisEndpoint().orElseThrow().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", aws.dynamoDbEndpoint().orElseThrow().toString());
        env.put("AWS_ENDPOINT_URL_S3", aws.s3Endpoint().orElseThrow().toString());
        env.put("AWS_ENDPOINT_URL_CLOUDWATCH", aws.cloudWatchEndpoint().orElseThrow().toString());
        env.putAll(runtime(aws));
        return env;
    }

    /** What the AWS runtime (ECS task, Lambda) provides, as test stand-ins. */
    static Map<String, String> runtime(AwsConfig aws) {
        return Map.of(
                "AWS_REGION", aws.region(),
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_EC2_METADATA_DISABLED", "true");
    }
}
