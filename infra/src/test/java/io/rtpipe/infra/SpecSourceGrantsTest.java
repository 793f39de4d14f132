package io.rtpipe.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A spec that joins reference tables and reads Glue-framed Avro: the consumer task's role may read exactly the
 * tables' sources and look up schema versions, cdk-nag stays clean; a local-file reference (no deployed component
 * has the file) and the analytics Lambda with reference tables (it cannot join them) stop synth with one sentence.
 */
class SpecSourceGrantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SPEC = """
            decoder: {type: avro, framing: glue}
            references:
              - {name: products, s3: s3://ref-bucket/tables/products.csv, format: csv, key: product_id, on: product}
              - {name: users, dynamodb: users, key: user_id, on: user}
            metrics:
              - name: revenue_by_category
                group_by: [products.category]
                aggregates:
                  - {name: orders, fn: count}
            """;

    @TempDir
    static Path tmp;

    private static RtpipeApp.Stacks stacks;

    @BeforeAll
    static void synth() throws IOException {
        Path assets = TestApps.assets(tmp.resolve("assets"));
        Path spec = Files.writeString(tmp.resolve("metrics.yaml"), SPEC);
        App app = TestApps.app(tmp.resolve("cdk.out"));
        stacks = RtpipeApp.build(app, TestApps.settings(assets).prefix("refs").metricsFile(spec.toString()).build());
        app.synth();
    }

    @Test
    void theConsumerRoleMayReadExactlyTheSourcesAndLookUpSchemaVersions() {
        List<String> grants = new ArrayList<>();
        JsonNode policies = JSON.valueToTree(Template.fromStack(stacks.consumer()).findResources("AWS::IAM::Policy"));
        policies.findValues("Statement").forEach(statements -> statements.forEach(st -> {
            String action = st.get("Action").toString();
            // the tables' own grants (results, progress, leases) include Scan among many actions: not these
            if (action.contains("GetObjectVersion") || action.equals("\"dynamodb:Scan\"") || action.contains("glue:")) {
                grants.add(action + " " + st.get("Resource"));
            }
        }));
        assertThat(grants).containsExactlyInAnyOrder(
                "[\"s3:GetObject\",\"s3:GetObjectVersion\"] {\"Fn::Join\":[\"\",[\"arn:\","
                        + "{\"Ref\":\"AWS::Partition\"},\":s3:::ref-bucket/tables/products.csv\"]]}",
                "\"dynamodb:Scan\" " + TestApps.arn(":dynamodb:", ":table/users"),
                "\"glue:GetSchemaVersion\" [" + TestApps.arn(":glue:", ":registry/*") + ","
                        + TestApps.arn(":glue:", ":schema/*") + "]");
    }

    @Test
    void cdkNagReportsNothingUnsuppressed() {
        for (Stack stack : List.of(stacks.consumer(), stacks.functions())) {
            Annotations annotations = Annotations.fromStack(stack);
            assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
            assertThat(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        }
    }

    @Test
    void theAnalyticsLambdaWithReferenceTablesStopsSynthWithOneSentence(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("metrics.yaml"), SPEC);
        Path assets = TestApps.assets(dir.resolve("assets"));
        assertThatThrownBy(() -> RtpipeApp.build(TestApps.app(dir.resolve("cdk.out")),
                TestApps.settings(assets).analyticsLambda(true).metricsFile(spec.toString()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rtpipe:analyticsLambda: the analytics Lambda does not join reference tables, and "
                        + "rtpipe:metricsFile names 2; run that spec in the consumer (leave rtpipe:analyticsLambda "
                        + "off).");
    }

    @Test
    void aLocalFileReferenceStopsSynthWithOneSentence(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("metrics.yaml"), """
                references:
                  - {name: regions, file: regions.jsonl, format: jsonl, key: code, on: region}
                metrics:
                  - name: by_region
                    group_by: [regions.name]
                    aggregates: [{name: n, fn: count}]
                """);
        Files.writeString(dir.resolve("regions.jsonl"), "{\"code\":\"eu\",\"name\":\"Europe\"}\n");
        Path assets = TestApps.assets(dir.resolve("assets"));
        assertThatThrownBy(() -> RtpipeApp.build(TestApps.app(dir.resolve("cdk.out")),
                TestApps.settings(assets).metricsFile(spec.toString()).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rtpipe:metricsFile: reference regions reads the local file regions.jsonl, which a "
                        + "deployed consumer does not have; put it in S3 (s3: s3://BUCKET/KEY) or DynamoDB.");
    }
}
