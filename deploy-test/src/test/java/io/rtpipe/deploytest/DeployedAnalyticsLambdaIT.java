package io.rtpipe.deploytest;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtpipe.infra.InfraSettings;
import io.rtpipe.lambda.analytics.KinesisAnalyticsHandler;
import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.RequiresBackend;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deployments with the analytics Lambda ({@code -c rtpipe:analyticsLambda=true}, each under its own prefix so its
 * explicitly named resources do not meet another deployment's) on the emulators: the function the Kinesis event
 * source mapping targets must name {@link KinesisAnalyticsHandler}, which is built from exactly the environment the
 * function declares (resolved against the emulator resources), invoked over the mapping's stream with the
 * mapping's batch size and tumbling window, and read back with {@code rtpipe query} from the templates' results
 * table. Once with the built-in metric, once with {@code rtpipe:metricsFile}, whose spec the handler must read from
 * the S3 object the function's environment names.
 */
@ExtendWith(SandboxExtension.class)
@RequiresBackend(value = Backend.EMULATORS, reason = "creates the templates' explicitly named resources, which must "
        + "not collide with anything else on the backend")
class DeployedAnalyticsLambdaIT {

    private static final int MINUTES = 2;
    private static final int EVENTS_PER_MINUTE = 300;

    @TempDir
    static Path tmp;

    @Test
    void theHandlerWithTheFunctionsEnvironmentWritesExactCountsToTheTemplatesResultsTable(LocalAws aws) {
        SynthesizedApp app = SynthesizedApp.synth(DeployTestSettings.repository(), tmp.resolve("default"),
                InfraSettings.builder().prefix("rtpipe-fn").analyticsLambda(true));
        KnownEvents events = new KnownEvents(MINUTES, EVENTS_PER_MINUTE);
        invokeAndQuery(aws, app, "lambda", events,
                (cli, table) -> cli.countsPerMinute(table, KnownEvents.T0, KnownEvents.END), events.counts());
    }

    @Test
    void withAMetricsFileTheHandlerComputesThatSpecReadFromTheFunctionsS3Object(LocalAws aws) {
        Path spec = DeployTestSettings.amountByRegionSpec();
        SynthesizedApp app = SynthesizedApp.synth(DeployTestSettings.repository(), tmp.resolve("spec"),
                InfraSettings.builder().prefix("rtpipe-fn-spec").analyticsLambda(true).metricsFile(spec.toString()));
        KnownEvents events = new KnownEvents(MINUTES, EVENTS_PER_MINUTE);
        invokeAndQuery(aws, app, "lambda-spec", events,
                (cli, table) -> cli.amountsByRegion(spec, table, KnownEvents.T0, KnownEvents.END),
                events.amountsByRegion());
    }

    /**
     * Deploys {@code app}, sends {@code events}, invokes the handler built from the function's environment over the
     * mapping's stream, and checks that {@code query} (given the deployed results table) reads {@code expected} and
     * that the items expire by the declared TTL attribute.
     */
    private static <T> void invokeAndQuery(LocalAws aws, SynthesizedApp app, String name, KnownEvents events,
                                           BiFunction<RtpipeCli, String, T> query, T expected) {
        Templates templates = app.templates();
        EmulatorDeployment deployment = EmulatorDeployment.deploy(aws, app);
        Templates.Resource mapping = templates.only("AWS::Lambda::EventSourceMapping");
        String streamArn = deployment.intrinsics().resolve(mapping.stack(), mapping.property("EventSourceArn"),
                mapping + " EventSourceArn");
        JsonNode functionName = mapping.property("FunctionName");
        assertThat(functionName.has("Ref")).as("%s names its function by Ref: %s", mapping, functionName).isTrue();
        Templates.Resource function = templates.resource(mapping.stack(), functionName.get("Ref").asText());
        assertThat(function.property("Handler").asText()).as("%s Handler", function)
                .isEqualTo(KinesisAnalyticsHandler.class.getName() + "::handleRequest");

        Map<String, String> env = new HashMap<>();
        function.property("Environment").path("Variables").fields().forEachRemaining(v -> env.put(v.getKey(),
                deployment.intrinsics().resolve(function.stack(), v.getValue(),
                        function + " environment variable " + v.getKey())));
        Map<String, String> declared = Map.copyOf(env);
        env.putAll(Endpoints.runtime(aws.awsConfig()));
        KinesisAnalyticsHandler handler = KinesisAnalyticsHandler.fromEnvironment(env, aws.clients());

        Path logs = DeployTestSettings.logDir(name);
        String stream = streamArn.substring(streamArn.lastIndexOf('/') + 1);
        Map<String, String> shell = new HashMap<>(Endpoints.cliEnvironment(aws.awsConfig()));
        shell.put("RTPIPE_STREAM_NAME", stream);
        RtpipeCli cli = new RtpipeCli(DeployTestSettings.cliJar(), shell, logs);
        events.runs().forEach(run -> cli.produce(stream, run));

        var invocations = new MappingInvocations(mapping.property("BatchSize").asInt(100),
                mapping.property("TumblingWindowInSeconds").asInt(0) > 0);
        try (KinesisAsyncClient kinesis = aws.clients().kinesisAsync()) {
            assertThat(invocations.invokeOverStream(handler, kinesis, streamArn))
                    .as("batch item failures of the handler with the function's environment %s", declared)
                    .isEmpty();
        }

        Templates.Resource resultsTable = Roles.resultsTable(templates);
        String tableName = deployment.name(resultsTable);
        assertThat(query.apply(cli, tableName))
                .as("rtpipe query --results-table %s after the handler ran with the function's environment %s",
                        tableName, declared)
                .isEqualTo(expected);
        try (DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
            ResultsTtl.assertItemsExpireByTheDeclaredAttribute(resultsTable, tableName, dynamoDb, KnownEvents.T0);
        }
    }
}
