package io.rtpipe.deploytest;

import io.rtpipe.infra.InfraSettings;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deployments of the consumer run on the emulators: the templates' stream, tables and buckets created with their own
 * properties, the file assets uploaded, the consumer started with the container's command and environment from the
 * task definition, events sent with {@code rtpipe produce} and read back with {@code rtpipe query}, compared with
 * results computed here. Two deployments: the default one ({@code cdk synth} without context, queried in its
 * default results table, as a user of the default deployment types it), and one with {@code rtpipe:metricsFile}, whose
 * spec the consumer must read from the S3 object the template names.
 */
@ExtendWith(SandboxExtension.class)
@RequiresBackend(value = Backend.EMULATORS, reason = "creates the templates' explicitly named resources, which must "
        + "not collide with anything else on the backend")
class DeployedConsumerIT {

    private static final int MINUTES = 2;
    private static final int EVENTS_PER_MINUTE = 300;
    /** A bound on waiting for the results, not a speed assertion: the wait ends as soon as they are complete. */
    private static final long RESULTS_WAIT_MILLIS = 150_000;

    @TempDir
    static Path tmp;

    @Test
    void theConsumerAsTheTaskDefinitionRunsItCountsEveryEventIntoTheTemplatesResultsTable(LocalAws aws) {
        SynthesizedApp app = SynthesizedApp.synth(DeployTestSettings.repository(), tmp.resolve("default"),
                InfraSettings.builder());
        KnownEvents events = new KnownEvents(MINUTES, EVENTS_PER_MINUTE);
        // No table: the query's default, rtpipe-results.
        runUntilResults(aws, app, "consumer", events,
                (cli, table) -> cli.countsPerMinute(null, KnownEvents.T0, KnownEvents.END), events.counts());
    }

    @Test
    void withAMetricsFileTheConsumerComputesThatSpecReadFromTheTemplatesS3Object(LocalAws aws) {
        Path spec = DeployTestSettings.amountByRegionSpec();
        SynthesizedApp app = SynthesizedApp.synth(DeployTestSettings.repository(), tmp.resolve("spec"),
                InfraSettings.builder().prefix("rtpipe-spec").metricsFile(spec.toString()));
        KnownEvents events = new KnownEvents(MINUTES, EVENTS_PER_MINUTE);
        runUntilResults(aws, app, "consumer-spec", events,
                (cli, table) -> cli.amountsByRegion(spec, table, KnownEvents.T0, KnownEvents.END),
                events.amountsByRegion());
    }

    /**
     * Deploys {@code app}, runs its consumer as the task definition does, sends {@code events} and then one sentinel
     * per shard, and waits until {@code query} (given the deployed results table) reads {@code expected}; then checks
     * that the consumer created no table and that its items expire by the declared TTL attribute.
     */
    private static <T> void runUntilResults(LocalAws aws, SynthesizedApp app, String name, KnownEvents events,
                                            BiFunction<RtpipeCli, String, T> query, T expected) {
        Templates templates = app.templates();
        EmulatorDeployment deployment = EmulatorDeployment.deploy(aws, app);
        ConsumerContainer container = ConsumerContainer.of(templates, deployment, app.dockerfile());
        Path logs = DeployTestSettings.logDir(name);
        Path jar = DeployTestSettings.cliJar();
        Map<String, String> shell = Endpoints.cliEnvironment(aws.awsConfig());
        Map<String, String> containerEnv = new HashMap<>(container.environment());
        containerEnv.putAll(shell);
        String stream = deployment.name(templates.only(EmulatorDeployment.STREAM));
        Templates.Resource resultsTable = Roles.resultsTable(templates);
        String tableName = deployment.name(resultsTable);
        Map<String, String> queryShell = new HashMap<>(shell);
        queryShell.put("RTPIPE_STREAM_NAME", stream);
        RtpipeCli cli = new RtpipeCli(jar, queryShell, logs);

        List<String> tablesBefore;
        try (DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
            // The templates' tables and those of other tests sharing the sandbox.
            tablesBefore = dynamoDb.listTables().tableNames();
        }

        try (JavaProcess consumer = JavaProcess.start(container.command(jar), containerEnv, logs, "consumer")) {
            events.runs().forEach(run -> cli.produce(stream, run));
            List<String> sentinelIds;
            try (KinesisAsyncClient kinesis = aws.clients().kinesisAsync()) {
                sentinelIds = ShardKeys.onePerShard(kinesis, stream, "sentinel");
            }
            // A second run, after every event was acknowledged: each shard's sentinel comes after its events.
            cli.produce(stream, KnownEvents.sentinels(sentinelIds));

            T read = null;
            long deadline = System.currentTimeMillis() + RESULTS_WAIT_MILLIS;
            while (System.currentTimeMillis() < deadline) {
                if (!consumer.isAlive()) {
                    throw new AssertionError("the consumer, run as " + container.command(jar) + " with "
                            + container.environment() + " from the task definition, stopped: "
                            + consumer.describeExit());
                }
                read = query.apply(cli, tableName);
                if (read.equals(expected)) {
                    break;
                }
                Sleep.millis(2_000);
            }
            assertThat(read)
                    .as("rtpipe query of the deployment's results table, after the consumer ran with "
                            + "the task definition's environment %s (deployed: %s; consumer log %s)",
                            container.environment(), deployment.names(), logs)
                    .isEqualTo(expected);

            try (DynamoDbClient dynamoDb = aws.clients().dynamoDb()) {
                // The task role may read and write the declared tables only: a table the consumer had to create
                // itself (a name the template does not set right, or a table it does not declare) would be
                // AccessDenied on AWS.
                List<String> undeclared = new ArrayList<>(dynamoDb.listTables().tableNames());
                undeclared.removeAll(tablesBefore);
                assertThat(undeclared).as("tables the consumer created that the templates do not declare").isEmpty();
                ResultsTtl.assertItemsExpireByTheDeclaredAttribute(resultsTable, tableName, dynamoDb, KnownEvents.T0);
            }
        }
    }
}
