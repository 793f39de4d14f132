package io.rtpipe.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.contract.AnalyticsLambdaSettings;
import io.rtpipe.contract.ConsumerSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The app with {@code rtpipe:metricsFile}: the spec is one file asset whose S3 URL both the consumer task and the
 * analytics Lambda get as {@code RTPIPE_METRICS_FILE}, each role may read exactly that object, and a bad spec stops
 * synth with the located sentence before any stack exists.
 */
class MetricsSpecAppTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPEC = """
            metrics:
              - name: amount_by_region
                group_by: [region]
                aggregates:
                  - {name: amount, fn: sum, field: amount}
                outputs:
                  - {kinesis: results-out}
                  - {firehose: to-lake}
                  - {lambda: scorer}
                  - {sns: "arn:aws:sns:eu-west-1:111122223333:alerts.fifo"}
                  - {eventbridge: ops}
                alert: {when: "amount > 1000", throttle: 5m}
            """;

    @TempDir
    static Path tmp;

    private static RtpipeApp.Stacks stacks;
    private static Path outdir;

    @BeforeAll
    static void synth() throws IOException {
        Path assets = TestApps.assets(tmp.resolve("assets"));
        Path spec = Files.writeString(tmp.resolve("metrics.yaml"), SPEC);
        outdir = tmp.resolve("cdk.out");
        App app = TestApps.app(outdir);
        stacks = RtpipeApp.build(app, TestApps.settings(assets).prefix("spec").analyticsLambda(true)
                .metricsFile(spec.toString()).build());
        app.synth();
    }

    @Test
    void theConsumerRoleMayCallEachOutputOnExactlyItsTarget() {
        JsonNode policies = JSON.valueToTree(Template.fromStack(stacks.consumer()).findResources("AWS::IAM::Policy"));
        List<String> grants = new ArrayList<>();
        policies.findValues("Statement").forEach(statements -> statements.forEach(st -> {
            String action = st.get("Action").asText();
            if (List.of("kinesis:PutRecords", "firehose:PutRecordBatch", "lambda:InvokeFunction", "sns:Publish",
                    "events:PutEvents").contains(action)) {
                grants.add(action + " " + st.get("Resource"));
            }
        }));

        // names become ARNs of the stack's partition, region and account; an ARN is kept as written
        assertThat(grants).containsExactlyInAnyOrder(
                "kinesis:PutRecords " + TestApps.arn(":kinesis:", ":stream/results-out"),
                "firehose:PutRecordBatch " + TestApps.arn(":firehose:", ":deliverystream/to-lake"),
                "lambda:InvokeFunction " + TestApps.arn(":lambda:", ":function:scorer"),
                "sns:Publish \"arn:aws:sns:eu-west-1:111122223333:alerts.fifo\"",
                "events:PutEvents " + TestApps.arn(":events:", ":event-bus/ops"));
    }

    @Test
    void theConsumerRoleMayClaimReadAndMarkAlertsInTheLedgerAndNothingElse() {
        JsonNode policies = JSON.valueToTree(Template.fromStack(stacks.consumer()).findResources("AWS::IAM::Policy"));
        assertThat(RtpipeAppTest.actionsOnTable(policies, "Alerts"))
                .containsExactlyInAnyOrder("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem");
    }

    @Test
    void theConsumerAndTheLambdaGetTheUrlOfTheSpecsAssetObject() throws IOException {
        JsonNode consumer = consumerEnvironment().get(ConsumerSettings.METRICS_FILE.env());
        JsonNode lambda = analyticsEnvironment().get(AnalyticsLambdaSettings.METRICS_FILE.env());
        assertThat(consumer).as("the task definition's RTPIPE_METRICS_FILE").isNotNull();
        assertThat(lambda).as("the analytics function's RTPIPE_METRICS_FILE").isEqualTo(consumer);
        // s3://<the bootstrap assets bucket>/<the asset's object key in the stack's assets manifest>.
        String objectKey = assetObjectKey(stacks.consumer());
        assertThat(objectKey).endsWith(".yaml").isEqualTo(assetObjectKey(stacks.functions()));
        assertThat(consumer.toString()).isEqualTo("{\"Fn::Sub\":\"s3://cdk-hnb659fds-assets-${AWS::AccountId}-"
                + "${AWS::Region}/" + objectKey + "\"}");
    }

    @Test
    void eachRoleMayGetExactlyTheSpecsObjectBesidesTheConsumersSnapshots() throws IOException {
        String objectKey = assetObjectKey(stacks.consumer());
        for (Stack stack : List.of(stacks.consumer(), stacks.functions())) {
            List<String> reads = new ArrayList<>();
            JsonNode policies = JSON.valueToTree(Template.fromStack(stack).findResources("AWS::IAM::Policy"));
            policies.findValues("Statement").forEach(statements -> statements.forEach(st -> {
                // The consumer's other reads: its shards' window-state snapshots under state/ and the spilled
                // results the Parquet publisher merges under results/ (RtpipeAppTest).
                String resource = st.get("Resource").toString();
                if (st.get("Action").toString().contains("s3:Get") && !resource.contains("/state/*")
                        && !resource.contains("/results/*")) {
                    reads.add(st.get("Action") + " on " + st.get("Resource"));
                }
            }));
            assertThat(reads).as(stack.getStackName()).singleElement().satisfies(read -> assertThat(read)
                    .startsWith("\"s3:GetObject\" on {\"Fn::Join\":")
                    .contains("cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}")
                    .endsWith("\"/" + objectKey + "\"]]}"));
        }
    }

    @Test
    void cdkNagReportsNothingUnsuppressedWithASpec() {
        for (Stack stack : List.of(stacks.consumer(), stacks.functions())) {
            Annotations annotations = Annotations.fromStack(stack);
            assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
            assertThat(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        }
    }

    @Test
    void aBadSpecStopsSynthWithItsLocatedSentenceBeforeAnyStack(@TempDir Path dir) throws IOException {
        Path assets = TestApps.assets(dir.resolve("assets"));
        Path spec = Files.writeString(dir.resolve("metrics.yaml"), """
                metrics:
                  - name: amount_by_region
                    window: {type: tumbling, size: 1 minute}
                    aggregates:
                      - {name: amount, fn: sum, field: amount}
                """);
        App app = TestApps.app(dir.resolve("cdk.out"));
        assertThatThrownBy(() -> RtpipeApp.build(app, TestApps.settings(assets).metricsFile(spec.toString()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(spec + ":3: metrics[0].window.size: found \"1 minute\", expected a duration such as "
                        + "30s, 1m, 1h");
        assertThat(app.getNode().getChildren()).as("stacks built before the spec was checked").isEmpty();
    }

    @Test
    void aSqlSpecIsCheckedAsSqlAndShippedWithItsExtension(@TempDir Path dir) throws IOException {
        Path assets = TestApps.assets(dir.resolve("assets"));
        Path bad = Files.writeString(dir.resolve("bad.sql"), """
                INSERT INTO amount_by_region
                SELECT region, SUM(amount) AS amount FROM events GROUP BY region
                """);
        App badApp = TestApps.app(dir.resolve("bad.out"));
        assertThatThrownBy(() -> RtpipeApp.build(badApp, TestApps.settings(assets).metricsFile(bad.toString()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(bad + ":2:43: non-windowed aggregation is refused: ");
        assertThat(badApp.getNode().getChildren()).isEmpty();

        Path good = Files.writeString(dir.resolve("app.sql"), """
                INSERT INTO amount_by_region
                SELECT window_start, window_end, region, SUM(amount) AS amount
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end, region
                """);
        App app = TestApps.app(dir.resolve("cdk.out"));
        RtpipeApp.Stacks sqlStacks = RtpipeApp.build(app, TestApps.settings(assets).prefix("sql")
                .metricsFile(good.toString()).build());
        app.synth();
        // The consumer reads the object as SQL because its key keeps the .sql extension.
        assertThat(assetObjectKey(dir.resolve("cdk.out"), sqlStacks.consumer(), ".sql")).endsWith(".sql");
    }

    @Test
    void aMissingSpecFileIsOneSentence(@TempDir Path dir) {
        Path assets = TestApps.assets(dir.resolve("assets"));
        Path missing = dir.resolve("none.yaml");
        assertThatThrownBy(() -> RtpipeApp.build(TestApps.app(dir.resolve("cdk.out")),
                TestApps.settings(assets).metricsFile(missing.toString()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rtpipe:metricsFile: no such file: " + missing
                        + " (a relative path is taken from the folder cdk runs in).");
    }

    @Test
    void theContextKeyIsRead() {
        assertThat(InfraSettings.fromContext(key -> key.equals("rtpipe:metricsFile") ? " m.yaml " : null)
                .metricsFile()).contains("m.yaml");
        assertThat(InfraSettings.fromContext(key -> null).metricsFile()).isEmpty();
    }

    private static JsonNode consumerEnvironment() {
        JsonNode tasks = JSON.valueToTree(Template.fromStack(stacks.consumer())
                .findResources("AWS::ECS::TaskDefinition"));
        var env = JSON.createObjectNode();
        tasks.elements().next().path("Properties").path("ContainerDefinitions").get(0).path("Environment")
                .forEach(v -> env.set(v.path("Name").asText(), v.path("Value")));
        return env;
    }

    private static JsonNode analyticsEnvironment() {
        JsonNode functions = JSON.valueToTree(Template.fromStack(stacks.functions())
                .findResources("AWS::Lambda::Function", java.util.Map.of("Properties", java.util.Map.of(
                        "Handler", "io.rtpipe.lambda.analytics.KinesisAnalyticsHandler::handleRequest"))));
        assertThat(functions.size()).isEqualTo(1);
        return functions.elements().next().path("Properties").path("Environment").path("Variables");
    }

    /** The object key of the stack's one file asset whose source is a .yaml file, from its assets manifest. */
    private static String assetObjectKey(Stack stack) throws IOException {
        return assetObjectKey(outdir, stack, ".yaml");
    }

    private static String assetObjectKey(Path outdir, Stack stack, String extension) throws IOException {
        JsonNode manifest = JSON.readTree(outdir.resolve(stack.getArtifactId() + ".assets.json").toFile());
        List<String> keys = new ArrayList<>();
        manifest.path("files").forEach(file -> {
            if (file.path("source").path("path").asText().endsWith(extension)) {
                file.path("destinations").forEach(d -> keys.add(d.path("objectKey").asText()));
            }
        });
        assertThat(keys).as("%s assets of %s", extension, stack.getStackName()).hasSize(1);
        return keys.get(0);
    }
}
