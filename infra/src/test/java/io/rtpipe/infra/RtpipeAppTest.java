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
        return List.of(stacks.stream(), stacks.storage(), stacks.consumer(), stacks.functions(), stacks.monitoring(),
                stacks.query());
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
        t.resourceCountIs("AWS::DynamoDB::Table", 4);
        assertTable(t, "rtpipe-results", Tables.RESULTS);
        assertTable(t, "rtpipe-progress", Tables.PROGRESS);
        assertTable(t, "rtpipe-alerts", Tables.ALERTS);
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
                ConsumerSettings.PROGRESS_TABLE.env(), ConsumerSettings.ALERTS_TABLE.env(),
                ConsumerSettings.LEASE_TABLE.env());
        assertThat(byName).containsEntry(ConsumerSettings.APPLICATION.env(), "rtpipe-consumer")
                .containsEntry(ConsumerSettings.RESULT_RETENTION.env(), "30d")
                .containsEntry(ConsumerSettings.IDLE_WATERMARK_AFTER.env(), "1m")
                .doesNotContainKey(ConsumerSettings.METRICS_FILE.env()); // no rtpipe:metricsFile: the built-in metric
        // Each table name is an import of the storage stack's table of that role (export names hold its logical id).
        assertThat(byName.get(ConsumerSettings.RESULTS_TABLE.env()).toString()).contains("RefResults");
        assertThat(byName.get(ConsumerSettings.PROGRESS_TABLE.env()).toString()).contains("RefProgress");
        assertThat(byName.get(ConsumerSettings.ALERTS_TABLE.env()).toString()).contains("RefAlerts");
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
        // Every DynamoDB resource of the task role is one of the storage stack's tables (an import): no name
        // pattern, and no index wildcard (the tables have no indexes).
        assertThat(policies.toString()).doesNotContain("table/rtpipe-consumer*").doesNotContain("/index/*");
    }

    @Test
    void consumerWithoutAlertsMayNotUseTheAlertLedger() {
        JsonNode policies = new ObjectMapper().valueToTree(
                Template.fromStack(stacks.consumer()).findResources("AWS::IAM::Policy"));
        assertThat(actionsOnTable(policies, "Alerts")).isEmpty();
    }

    /** Every action of a policy statement on the ARN of the storage stack's table of that logical id. */
    static List<String> actionsOnTable(JsonNode policies, String logicalId) {
        List<String> actions = new ArrayList<>();
        policies.findValues("Statement").forEach(statements -> statements.forEach(statement -> {
            if (statement.get("Resource").toString().contains("FnGetAtt" + logicalId)) {
                JsonNode action = statement.get("Action");
                if (action.isArray()) {
                    action.forEach(a -> actions.add(a.asText()));
                } else {
                    actions.add(action.asText());
                }
            }
        }));
        return actions;
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
                .containsEntry(AnalyticsLambdaSettings.RESULT_RETENTION.env(), "30d")
                .doesNotContainKey(AnalyticsLambdaSettings.METRICS_FILE.env());
    }

    @Test
    void analyticsMappingHoldsTheShardUntilTheRecordAgeLimitThenRecordsTheRangeInAnEncryptedQueue() {
        Template t = Template.fromStack(stacks.functions());
        t.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
        Capture queueRef = new Capture();
        t.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "BatchSize", 500,
                "MaximumBatchingWindowInSeconds", 5,
                "BisectBatchOnFunctionError", true,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "TumblingWindowInSeconds", 60,
                "StartingPosition", "TRIM_HORIZON",
                // Absent = Lambda's default -1: retried without a count limit, given up only by record age,
                // which is the 24 h retention less the hour left for a replay.
                "MaximumRetryAttempts", Match.absent(),
                "MaximumRecordAgeInSeconds", 23 * 3600,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination",
                        Map.of("Fn::GetAtt", List.of(queueRef, "Arn"))))));
        // The destination is the stack's one queue: SSE, TLS only, messages kept 14 days.
        t.resourceCountIs("AWS::SQS::Queue", 1);
        Map<String, Map<String, Object>> queues = t.findResources("AWS::SQS::Queue");
        assertThat(queues).containsOnlyKeys(queueRef.asString());
        t.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 14 * 24 * 3600));
        t.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))),
                "Version", "2012-10-17")));
    }

    @Test
    void analyticsRecordAgeLimitStaysWithinLambdasSevenDays() {
        assertThat(FunctionsStack.analyticsMaxRecordAge(24).toSeconds()).isEqualTo(23 * 3600);
        assertThat(FunctionsStack.analyticsMaxRecordAge(169).toSeconds()).isEqualTo(168 * 3600);
        assertThat(FunctionsStack.analyticsMaxRecordAge(8760).toSeconds()).isEqualTo(604_800);
    }

    @Test
    void monitoringAlarmsOnLagThrottlesDeadLettersAndAutoscalerErrors() {
        Template t = Template.fromStack(stacks.monitoring());
        t.resourceCountIs("AWS::CloudWatch::Alarm", 9);
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
    void monitoringAlarmsOnTheConsumersOwnFiguresAndShowsEveryAlarmOnTheDashboard() {
        Template t = Template.fromStack(stacks.monitoring());
        Map<String, Object> service = Map.of("Name", "Application", "Value", "rtpipe-consumer");
        Capture topic = new Capture();
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "rtpipe-consumer", "MetricName", "WriteFailures", "Statistic", "Sum",
                "Dimensions", List.of(service), "Period", 60, "Threshold", 0,
                "ComparisonOperator", "GreaterThanThreshold", "EvaluationPeriods", 1,
                "AlarmActions", List.of(Map.of("Ref", topic))));
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "rtpipe-consumer", "MetricName", "OldestUncheckpointedAgeMillis",
                "Statistic", "Maximum", "Dimensions", List.of(service), "Threshold", 10 * 60_000,
                "ComparisonOperator", "GreaterThanThreshold", "AlarmActions", List.of(Match.anyValue())));
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "rtpipe-consumer", "MetricName", "MillisBehindLatest",
                "Statistic", "Maximum", "Dimensions", List.of(service), "Threshold", 120_000,
                "ComparisonOperator", "GreaterThanThreshold", "AlarmActions", List.of(Match.anyValue())));
        // Every alarm notifies the one topic.
        assertThat(t.findResources("AWS::SNS::Topic")).containsOnlyKeys(topic.asString());
        t.allResourcesProperties("AWS::CloudWatch::Alarm",
                Match.objectLike(Map.of("AlarmActions", List.of(Map.of("Ref", topic.asString())))));

        // The dashboard graphs the consumer's figures and lists all nine alarms.
        ObjectMapper json = new ObjectMapper();
        JsonNode dashboards = json.valueToTree(t.findResources("AWS::CloudWatch::Dashboard"));
        String body = dashboards.findValue("DashboardBody").toString();
        for (String metric : List.of("RecordsProcessed", "ResultsWritten", "WriteFailures", "DeadLetters",
                "LateRecords", "OldestUncheckpointedAgeMillis", "MillisBehindLatest")) {
            assertThat(body).as(metric).contains("\\\"" + metric + "\\\"");
        }
        for (String alarm : t.findResources("AWS::CloudWatch::Alarm").keySet()) {
            assertThat(body).as(alarm).contains(alarm);
        }
    }

    @Test
    void consumerAlarmThresholdsComeFromContext() {
        InfraSettings s = InfraSettings.fromContext(Map.of("rtpipe:uncheckpointedAgeAlarmMinutes", "7",
                "rtpipe:behindLatestAlarmSeconds", "30")::get);
        assertThat(s.uncheckpointedAgeAlarmMinutes()).isEqualTo(7);
        assertThat(s.behindLatestAlarmSeconds()).isEqualTo(30);
    }

    @Test
    void consumerTaskPublishesMetricsThroughItsLogsAndIsHealthCheckedOnItsHealthFile() {
        Template t = Template.fromStack(stacks.consumer());
        t.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
                "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                        "Environment", Match.arrayWith(List.of(
                                Map.of("Name", "RTPIPE_METRICS_NAMESPACE", "Value", "rtpipe-consumer"),
                                Map.of("Name", "RTPIPE_HEALTH_FILE", "Value", "/tmp/rtpipe-health"))),
                        "HealthCheck", Map.of(
                                "Command", List.of("CMD-SHELL",
                                        "test -n \"$(find /tmp/rtpipe-health -mmin -3 2>/dev/null)\""),
                                "Interval", 30, "Timeout", 5, "Retries", 3, "StartPeriod", 120),
                        "LogConfiguration", Match.objectLike(Map.of("LogDriver", "awslogs")))))));
    }

    @Test
    void consumerWritesOnlyUnderTheArchivePrefixesAndReadsOnlyItsSnapshotsAndSpills() {
        ObjectMapper json = new ObjectMapper();
        JsonNode policies = json.valueToTree(Template.fromStack(stacks.consumer()).findResources("AWS::IAM::Policy"));
        List<String> s3Statements = new ArrayList<>();
        policies.findValues("Statement").forEach(statements -> statements.forEach(st -> {
            if (st.get("Action").toString().contains("s3:")) {
                s3Statements.add(st.get("Action").toString() + " on " + st.get("Resource").toString());
            }
        }));
        assertThat(s3Statements).hasSize(6);
        assertThat(s3Statements).anySatisfy(st -> assertThat(st).startsWith("\"s3:ListBucket\" on {\"Fn::ImportValue\""));
        assertThat(s3Statements).anySatisfy(st -> assertThat(st).startsWith("\"s3:PutObject\" on [")
                .contains("/raw/*").contains("/deadletter/*").contains("/late/*").contains("/results/*"));
        assertThat(s3Statements).anySatisfy(st -> assertThat(st).startsWith("\"s3:DeleteObject\" on [")
                .doesNotContain("/raw/*").contains("/deadletter/*").contains("/late/*"));
        // Window-state snapshots: written, read on restart and pruned, under state/ only.
        assertThat(s3Statements).anySatisfy(st -> assertThat(st)
                .startsWith("[\"s3:PutObject\",\"s3:GetObject\",\"s3:DeleteObject\"] on ").contains("/state/*")
                .doesNotContain("/raw/*"));
        // Parquet results: written under results-parquet/; the spilled results they merge read under results/.
        assertThat(s3Statements).anySatisfy(st -> assertThat(st).startsWith("\"s3:PutObject\" on ")
                .contains("/results-parquet/*").doesNotContain("/raw/*"));
        assertThat(s3Statements).anySatisfy(st -> assertThat(st).startsWith("\"s3:GetObject\" on ")
                .contains("/results/*").doesNotContain("/raw/*"));
        assertThat(s3Statements).filteredOn(st -> st.contains("s3:GetObject")).hasSize(2);
        // No other object access (Abort…, the bucket-wide "/*" of grantReadWrite), no PutMetricData.
        assertThat(policies.toString()).doesNotContain("s3:GetObject*").doesNotContain("s3:Abort")
                .doesNotContain("\"/*\"").doesNotContain("cloudwatch:PutMetricData");
    }

    @Test
    void consumerIam5SuppressionsNameTheFindingsTheyCover() {
        ObjectMapper json = new ObjectMapper();
        JsonNode resources = json.valueToTree(Template.fromStack(stacks.consumer()).toJSON().get("Resources"));
        List<JsonNode> iam5 = new ArrayList<>();
        resources.forEach(r -> {
            JsonNode rules = r.path("Metadata").path("cdk_nag").path("rules_to_suppress");
            rules.forEach(rule -> {
                if (rule.path("id").asText().equals("AwsSolutions-IAM5")) {
                    iam5.add(rule);
                }
            });
        });
        assertThat(iam5).isNotEmpty();
        // Each names the findings it applies to; none suppresses the rule wholesale or still cites KMS.
        assertThat(iam5).allSatisfy(rule -> {
            assertThat(rule.path("applies_to").isArray()).as(rule.toString()).isTrue();
            assertThat(rule.path("applies_to")).as(rule.toString()).isNotEmpty();
            assertThat(rule.path("reason").asText()).doesNotContain("KMS");
        });
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
