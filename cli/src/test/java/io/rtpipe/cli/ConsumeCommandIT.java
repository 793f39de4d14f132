package io.rtpipe.cli;

import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtpipe consume} on the sandbox against a results table deployed with the wrong keys. */
@ExtendWith(SandboxExtension.class)
class ConsumeCommandIT {

    @Test
    void resultsTableKeyedPkSkEndsTheCommandWithOneSentenceAndExitCode2(LocalAws aws) {
        String stream = unique("consume-it");
        String bucket = unique("bucket");
        String results = unique("results");
        aws.createStream(stream, 1);
        aws.createBucket(bucket);
        try (DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
            // The key schema the CDK app used to deploy.
            dynamoDb.createTable(b -> b.tableName(results).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        var config = aws.awsConfig();
        List<String> args = new ArrayList<>(List.of("consume", "--region", config.region(), "--stream", stream,
                "--bucket", bucket, "--application", unique("app"), "--results-table", results));
        endpoint(args, "--kinesis-endpoint", config.kinesisEndpoint());
        endpoint(args, "--dynamodb-endpoint", config.dynamoDbEndpoint());
        endpoint(args, "--s3-endpoint", config.s3Endpoint());
        endpoint(args, "--cloudwatch-endpoint", config.cloudWatchEndpoint());

        int exit = cli.execute(args.toArray(String[]::new));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("rtpipe: DynamoDB table " + results + " is keyed pk/sk but "
                + "rtpipe writes items keyed metric/sk: point rtpipe at a table with that key schema or deploy the "
                + "current template.");
    }

    private static void endpoint(List<String> args, String flag, Optional<?> endpoint) {
        endpoint.ifPresent(uri -> args.addAll(List.of(flag, uri.toString())));
    }
}
