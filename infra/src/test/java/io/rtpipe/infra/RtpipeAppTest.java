package io.rtpipe.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.contract.AnalyticsLambdaSettings;
import io.rtpipe.contract.ConsumerSettings;
import io.rtpipe.contract.Setting;
import io.rtpipe.contract.TableSchema;
import io.rtpipe.contract.Tables;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Template assertions for every stack of the app in its default (provisioned) mode with the analytics Lambda on.
 * One synthesized app is shared by all tests: jsii start-up and synthesis take most of the time.
 */
class RtpipeAppTest {

    @TempDir
    static Path tmp;

    private static RtpipeApp.Stacks stacks;
    private static Path outdir;

    @BeforeAll
    static void synth() {
        Path assets = TestApps.assets(tmp.resolve("assets"));
        outdir = tmp.resolve("cdk.out");
        App app = TestApps.app(outdir);
        stacks = RtpipeApp.build(app, TestApps.settings(assets).analyticsLambda(true).build());
        app.synth();
    }

    private static List<Stack> all() {
        return List.of(stacks.stream(), stacks.storage(), stacks.consumer(), stacks.functions(), stacks.monitoring());
    }

    @Test
    void cdkNagReportsNothingUnsuppressed() {
        for (Stack stack : all()) {
            Annotations annotations = Annotations.fromStack(stack);
            assertThat(describe(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))))
                    .as("cdk-nag errors in %s", stack.getStackName()).isEmpty();
            assertThat(describe(annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))))
                    .as("cdk-nag warnings in %s", stack.getStackName()).isEmpty();
        }
    }

    private static List<String> describe(List<SynthesisMessage> messages) {
        return messages.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    }

    @Test
    void streamIsProvisionedAndKmsEncrypted() {
        Template t = Template.fromStack(stacks.stream());
        t.resourceCountIs("AWS::Kinesis::Stream", 1);
        t.hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "Name", "rtpipe-events",
                "ShardCount", 2,
                "RetentionPeriodHours", 24,
                "StreamModeDetails", Map.of("StreamMode", "PROVISIONED"),
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")));
    }

    @Test
    void bucketsArePrivateEncryptedTlsOnlyAndAged() {
        Template t = Template.fromStack(stacks.storage());
        t.resourceCountIs("AWS::S3::Bucket", 2);
        Map<String, Object> blockAll = Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                "IgnorePublicAcls", true, "RestrictPublicBuckets", true);
        t.allResourcesProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "PublicAccessBlockConfiguration", blockAll,
                "BucketEncryption", Match.objectLike(Map.of("ServerSideEncryptionConfiguration", Match.anyValue())))));
        t.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "archive/")),
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "Status", "Enabled",
                        "ExpirationInDays", 365,
                        "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 7),
                        "Transitions", List.of(Map.of("StorageClass", "STANDARD_IA", "TransitionInDays", 30)))))))); 
        // Both bucket policies deny any request not made over TLS.
        t.resourceCountIs("AWS::S3::BucketPolicy", 2);
        t.allResourcesProperties("AWS::S3::BucketPolicy", Match.objectLike(Map.of("PolicyDocument",
                Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Action", "s3:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))),
                        "Version", "2012-10-17"))));
    }

    @Test
    void tablesAreKeyedAsTheCodeWritesThemEncryptedRecoverableAndRetained() {
        Template t = Template.fromStack(stacks.storage());
        t.resourceCountIs("AWS::DynamoDB::Table", 3);
        assertTable(t, "rtpipe-results", Tables.RESULTS);
        assertTable(t, "rtpipe-progress", Tables.PROGRESS);
        // KCL's lease table is named after the consumer's KCL application (its container's RTPIPE_KCL_APPLICATION).
        assertTable(t, "rtpipe-consumer", Tables.LEASES);
        t.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "TableName", "rtpipe-results",
                "TimeToLiveSpecification", Map.of("AttributeName", Tables.RESULTS_TTL_ATTRIBUTE, "Enabled", true)));
    }

    private static void assertTable(Template t, String name, TableSchema schema) {
        List<Map<String, String>> keys = new ArrayList<>();
        List<Map<String, String>> attributes = new ArrayList<>();
        keys.add(Map.of("AttributeName", schema.partitionKey(), "KeyType", "HASH"));
        attributes.add(Map.of("AttributeName", schema.partitionKey(), "AttributeType", "S"));
        if (schema.sortKey() != null) {
            keys.add(Map.of("AttributeName", schema.sortKey(), "KeyType", "RANGE"));
            attributes.add(Map.of("AttributeName", schema.sortKey(), "AttributeType", "S"));
        }
        t.hasResource("AWS::DynamoDB::Table", Map.of(
                "Properties", Match.objectLike(Map.of(
                        "TableName", name,
                        "KeySchema", keys,
                        "AttributeDefinitions", attributes,
                        "BillingMode", "PAY_PER_REQUEST",
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "SSESpecification", Map.of("SSEEnabled", true))),
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain"));
    }

    @Test
    void consumerEnvironmentIsTheContractsSettingsWithTheStorageStacksTables() {
        Capture env = new Capture();
        Template.fromStack(stacks.consumer()).hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
                "ContainerDefinitions", List.of(Match.objectLike(Map.of("Environment", env)))));
        Map<String, Object> byName = new java.util.HashMap<>();
        for (Object entry : env.asArray()) {
            Map<?, ?> variable = (Map<?, ?>) entry;
            byName.put((String) variable.get("Name"), variable.get("Value"));
        }
        Set<String> declared = ConsumerSettings.ALL.stream().map(Setting::env).collect(Collectors.toSet());
        assertThat(declared).containsAll(byName.keySet());
        assertThat(byName.keySet()).contains(ConsumerSettings.STREAM.env(), ConsumerSettings.BUCKET.env(),
                ConsumerSettings.APPLICATION.env(), ConsumerSettings.RESULTS_TABLE.env(),
                ConsumerSettings.PROGRESS_TABLE.env(), ConsumerSettings.LEASE_TABLE.env());
        assertThat(byName).containsEntry(ConsumerSettings.APPLICATION.env(), "rtpipe-consumer")
                .containsEntry(ConsumerSettings.RESULT_RETENTION.env(), "30d");
        // Each table name is an import of the storage stack's table of that role (export names hold its logical id).
        assertThat(byName.get(ConsumerSettings.RESULTS_TABLE.env()).toString()).contains("RefResults");
        assertThat(byName.get(ConsumerSettings.PROGRESS_TABLE.env()).toString()).contains("RefProgress");
        assertThat(byName.get(ConsumerSettings.LEASE_TABLE.env()).toString()).contains("RefLeases");
    }

    @Test
    void consumerMayUseItsThreeTablesButCreateNone() {
        ObjectMapper json = new ObjectMapper();
        JsonNode policies = json.valueToTree(Template.fromStack(stacks.consumer()).findResources("AWS::IAM::Policy"));
        List<String> actions = new ArrayList<>();
        policies.findValues("Action").forEach(a -> {
            if (a.isArray()) {
                a.forEach(x -> actions.add(x.asText()));
            } else {
                actions.add(a.asText());
            }
        });
        assertThat(actions).contains("dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:DescribeTable",
                "dynamodb:BatchWriteItem");
        assertThat(actions).doesNotContain("dynamodb:CreateTable", "dynamodb:UpdateContinuousBackups",
                "dynamodb:TagResource");
        // Every DynamoDB resource of the task role is one of the storage stack's tables (an import), no name pattern.
        assertThat(policies.toString()).doesNotContain("table/rtpipe-consumer*");
    }

    @Test
    void consumerRunsOnFargateWithCircuitBreakerAndScalesOnCpuAndShardsPerTask() {
        Template t = Template.fromStack(stacks.consumer());
        t.resourceCountIs("AWS::ECS::Service", 1);
        t.hasResourceProperties("AWS::ECS::Service", Map.of(
                "LaunchType", "FARGATE",
                "DesiredCount", 1,
                "DeploymentConfiguration", Match.objectLike(Map.of(
                        "DeploymentCircuitBreaker", Map.of("Enable", true, "Rollback", true)))));
        t.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
                "Cpu", "512", "Memory", "1024",
                "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                        "Environment", Match.arrayWith(List.of(
                                Map.of("Name", "RTPIPE_KCL_APPLICATION", "Value", "rtpipe-consumer"))),
                        "LogConfiguration", Match.objectLike(Map.of("LogDriver", "awslogs")))))));
        t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget",
                Map.of("MinCapacity", 1, "MaxCapacity", 8));
        t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Map.of(
                "PolicyType", "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
                        "TargetValue", 70,
                        "PredefinedMetricSpecification",
                        Map.of("PredefinedMetricType", "ECSServiceAverageCPUUtilization")))));
        t.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Map.of(
                "PolicyType", "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
                        "TargetValue", 4,
                        "CustomizedMetricSpecification", Map.of("Metrics", List.of(
                                Match.objectLike(Map.of("Id", "shards", "MetricStat", Match.objectLike(Map.of(
                                        "Metric", Match.objectLike(Map.of("MetricName", "OpenShardCount")))))),
                                Match.objectLike(Map.of("Id", "tasks", "MetricStat", Match.objectLike(Map.of(
                                        "Metric", Match.objectLike(Map.of("MetricName", "RunningTaskCount")))))),
                                Match.objectLike(Map.of("Expression", "shards / tasks", "ReturnData", true))))))));
        t.resourceCountIs("AWS::ApplicationAutoScaling::ScalingPolicy", 2);
        t.hasResourceProperties("AWS::ECS::Cluster", Map.of("ClusterSettings",
                List.of(Map.of("Name", "containerInsights", "Value", "enabled"))));
        t.resourceCountIs("AWS::EC2::NatGateway", 0);
        t.resourceCountIs("AWS::EC2::FlowLog", 1);
    }

    @Test
    void consumerImageReceivesOnlyTheDockerfileAndTheCliJar() throws IOException {
        Capture image = new Capture();
        Template.fromStack(stacks.consumer()).hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
                "ContainerDefinitions", List.of(Match.objectLike(Map.of("Image", image)))));
        Path staged;
        try (Stream<Path> dirs = Files.list(outdir)) {
            staged = dirs.filter(d -> Files.isDirectory(d) && Files.exists(d.resolve("infra/docker/consumer/Dockerfile")))
                    .findFirst().orElseThrow();
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(staged)) {
            walk.filter(Files::isRegularFile).forEach(f -> files.add(staged.relativize(f).toString()));
        }
        assertThat(files).containsExactlyInAnyOrder("infra/docker/consumer/Dockerfile",
                "cli/target/rtpipe.jar");
    }

    @Test
    void autoscalerRunsEveryMinuteAloneWithScopedKinesisRights() {
        Template t = Template.fromStack(stacks.functions());
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", FunctionsStack.AUTOSCALER_HANDLER,
                "Runtime", "java21",
                "ReservedConcurrentExecutions", 1,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "SCALING_ENABLED", "true", "MIN_SHARDS", "1", "MAX_SHARDS", "16")))));
        t.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 minute)"));
        t.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Map.of(
                        "Effect", "Allow",
                        "Action", List.of("kinesis:DescribeStreamSummary", "kinesis:ListTagsForStream",
                                "kinesis:AddTagsToStream", "kinesis:UpdateShardCount"),
                        "Resource", Match.objectLike(Map.of("Fn::ImportValue", Match.anyValue()))))),
                "Version", "2012-10-17")));
    }

    @Test
    void analyticsEnvironmentIsTheContractsLambdaSettings() {
        Capture env = new Capture();
        Template.fromStack(stacks.functions()).hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.rtpipe.lambda.analytics.KinesisAnalyticsHandler::handleRequest",
                "Environment", Map.of("Variables", env)));
        Set<String> declared = AnalyticsLambdaSettings.ALL.stream().map(Setting::env).collect(Collectors.toSet());
        assertThat(declared).containsAll(env.asObject().keySet());
        assertThat(env.asObject()).containsKeys(AnalyticsLambdaSettings.RESULTS_TABLE.env(),
                        AnalyticsLambdaSettings.BUCKET.env())
                .containsEntry(AnalyticsLambdaSettings.RESULT_RETENTION.env(), "30d");
    }

    @Test
    void analyticsMappingBisectsReportsPartialFailuresAndDeadLetters() {
        Template t = Template.fromStack(stacks.functions());
        t.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
        t.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "BatchSize", 500,
                "MaximumBatchingWindowInSeconds", 5,
                "BisectBatchOnFunctionError", true,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "TumblingWindowInSeconds", 60,
                "StartingPosition", "TRIM_HORIZON",
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.objectLike(
                        Map.of("Fn::GetAtt", Match.arrayWith(List.of("Arn")))))))); 
        t.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 14 * 24 * 3600));
    }

    @Test
    void monitoringAlarmsOnLagThrottlesDeadLettersAndAutoscalerErrors() {
        Template t = Template.fromStack(stacks.monitoring());
        t.resourceCountIs("AWS::CloudWatch::Alarm", 6);
        t.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "GetRecords.IteratorAgeMilliseconds", "Threshold", 60000,
                "ComparisonOperator", "GreaterThanThreshold", "AlarmActions", List.of(Match.anyValue())));
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "PutRecords.ThrottledRecords"));
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "ReadProvisionedThroughputExceeded"));
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "ApproximateNumberOfMessagesVisible"));
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Errors", "Namespace", "AWS/Lambda"));
        t.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Match.anyValue()));
    }

    @Test
    void noIamPolicyGrantsAllActionsOfAService() {
        ObjectMapper json = new ObjectMapper();
        for (Stack stack : all()) {
            JsonNode policies = json.valueToTree(Template.fromStack(stack).findResources("AWS::IAM::Policy"));
            List<String> actions = new ArrayList<>();
            policies.findValues("Action").forEach(a -> {
                if (a.isArray()) {
                    a.forEach(x -> actions.add(x.asText()));
                } else {
                    actions.add(a.asText());
                }
            });
            assertThat(actions).as(stack.getStackName()).noneMatch(a -> a.equals("*") || a.endsWith(":*"));
        }
        // The functions stack's policies do exist and were read (the check is not vacuous).
        assertThat(Template.fromStack(stacks.functions()).findResources("AWS::IAM::Policy")).isNotEmpty();
    }
}
