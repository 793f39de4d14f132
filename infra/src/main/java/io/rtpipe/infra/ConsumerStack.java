package io.rtpipe.infra;

import io.rtpipe.contract.ArchivePrefixes;
import io.rtpipe.contract.ConsumerSettings;
import io.rtpipe.contract.Durations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.IgnoreMode;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.applicationautoscaling.CfnScalingPolicy;
import software.amazon.awscdk.services.applicationautoscaling.ScalableTarget;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KCL consumer as an ECS Fargate service (image built from the consumer Dockerfile asset): task count scaled on
 * CPU and on open shards per task, deployments rolled back by the circuit breaker.
 *
 * <p>Tasks run in public subnets with a public IP and no inbound rules: they only call AWS APIs, and this avoids
 * the idle cost of NAT gateways or interface endpoints (see README, idle cost).
 */
public final class ConsumerStack extends Stack {

    /** Where the worker keeps its health file inside the container (/tmp is writable by the image's user). */
    static final String HEALTH_FILE = "/tmp/rtpipe-health";

    /**
     * Minutes within which the health file must have been rewritten: the worker rewrites it every minute while
     * healthy, so three tolerate one late report and still catch a hung JVM.
     */
    static final int HEALTH_FILE_MAX_AGE_MINUTES = 3;

    private final FargateService service;

    /** @param metrics the spec the consumer runs; empty: the built-in metric */
    public ConsumerStack(Construct scope, String id, StackProps props, InfraSettings settings,
                         Optional<MetricsSpecFile> metrics, IStream stream, IBucket archive, ITable results,
                         ITable progress, ITable alerts, ITable leases) {
        super(scope, id, props);
        Path context = Path.of(settings.consumerImageDirectory());
        if (!Files.isRegularFile(context.resolve(settings.consumerDockerfile()))) {
            throw new IllegalArgumentException("Consumer Dockerfile not found at "
                    + context.resolve(settings.consumerDockerfile()) + ": set -c rtpipe:consumerImageDirectory and "
                    + "rtpipe:consumerDockerfile, or run cdk from the infra folder.");
        }
        LogGroup flowLogs = LogGroup.Builder.create(this, "FlowLogs").retention(RetentionDays.ONE_MONTH).build();
        Vpc vpc = Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(0)
                .restrictDefaultSecurityGroup(false)
                .subnetConfiguration(List.of(SubnetConfiguration.builder()
                        .name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build()))
                .flowLogs(Map.of("Rejected", FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                        .trafficType(FlowLogTrafficType.REJECT).build()))
                .build();
        Cluster cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(vpc)
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();

        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "Task")
                .cpu(settings.consumerCpu())
                .memoryLimitMiB(settings.consumerMemoryMiB())
                .build();
        LogGroup logs = LogGroup.Builder.create(this, "Logs").retention(RetentionDays.ONE_MONTH).build();
        String application = settings.consumerApplication();
        ContainerDefinition container = task.addContainer("consumer", ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromAsset(context.toString(), AssetImageProps.builder()
                        .file(settings.consumerDockerfile())
                        .platform(software.amazon.awscdk.services.ecr.assets.Platform.LINUX_AMD64) // Fargate's x86
                        // Docker build context is the repository root; send only the Dockerfile and the cli jar.
                        .ignoreMode(IgnoreMode.DOCKER)
                        .exclude(List.of("**", "!" + settings.consumerDockerfile(), "!cli/target/rtpipe.jar"))
                        .build()))
                .logging(LogDrivers.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix("consumer").build()))
                // The container's configuration contract with `rtpipe consume`: the variables it reads.
                .environment(SettingEnvironment.of(Map.of(
                        ConsumerSettings.STREAM, stream.getStreamName(),
                        ConsumerSettings.BUCKET, archive.getBucketName(),
                        ConsumerSettings.APPLICATION, application,
                        ConsumerSettings.RESULTS_TABLE, results.getTableName(),
                        ConsumerSettings.PROGRESS_TABLE, progress.getTableName(),
                        ConsumerSettings.LEASE_TABLE, leases.getTableName(),
                        ConsumerSettings.RESULT_RETENTION, Durations.days(settings.resultRetentionDays()),
                        ConsumerSettings.IDLE_WATERMARK_AFTER, settings.idleWatermarkAfter(),
                        // The query stack's results tables read these objects.
                        ConsumerSettings.PARQUET_RESULTS, "on",
                        ConsumerSettings.PARQUET_PREFIX, ArchivePrefixes.RESULTS_PARQUET)))
                .healthCheck(HealthCheck.builder()
                        .command(List.of("CMD-SHELL", healthCheckCommand()))
                        .interval(Duration.seconds(30))
                        .timeout(Duration.seconds(5))
                        .retries(3)
                        // Table checks and lease preparation come before the first report.
                        .startPeriod(Duration.seconds(120))
                        .build())
                .build());
        container.addEnvironment(ConsumerSettings.METRICS_NAMESPACE.env(), metricsNamespace(settings));
        container.addEnvironment(ConsumerSettings.HEALTH_FILE.env(), HEALTH_FILE);
        container.addEnvironment(ConsumerSettings.ALERTS_TABLE.env(), alerts.getTableName());
        metrics.ifPresent(spec -> container.addEnvironment(ConsumerSettings.METRICS_FILE.env(),
                spec.shipTo(this, task.getTaskRole())));
        // The consumer is where final results are published (the publisher runs in it), so its role reaches the outputs.
        metrics.ifPresent(spec -> OutputGrants.grant(task.getTaskRole(), spec.outputs()));
        if (metrics.map(MetricsSpecFile::sendsAlerts).orElse(false)) {
            // The alert ledger's three calls: claim (conditional put, then a read of who holds it), mark sent.
            alerts.grant(task.getTaskRole(), "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem");
        }
        Nag.suppress(task.obtainExecutionRole(), "AwsSolutions-IAM5",
                "ecr:GetAuthorizationToken, which pulling the image needs, has no resource type.",
                List.of("Resource::*"));
        Nag.suppress(task, "AwsSolutions-ECS2",
                "The environment holds resource names only (stream, bucket, tables, KCL application, metrics "
                        + "namespace, health-file path), no secrets.");

        stream.grantRead(task.getTaskRole());
        ArchiveGrants.writeIntervals(task.getTaskRole(), archive, true, true);
        // KCL 2.7.2 uses one table, the lease table (no coordinator-state or worker-metrics tables: those are KCL
        // 3.x); it only calls CreateTable when the table is missing, and UpdateContinuousBackups when asked to turn
        // PITR on, which the consumer never does. So data access to the three declared tables is all it needs.
        for (ITable table : List.of(results, progress, leases)) {
            table.grantReadWriteData(task.getTaskRole());
        }

        SecurityGroup noInbound = SecurityGroup.Builder.create(this, "ConsumerSg")
                .vpc(vpc)
                .description("rtpipe consumer: no inbound; outbound HTTPS to AWS APIs")
                .allowAllOutbound(true)
                .build();
        this.service = FargateService.Builder.create(this, "Service")
                .cluster(cluster)
                .taskDefinition(task)
                .desiredCount(settings.consumerMinTasks())
                .assignPublicIp(true)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
                .securityGroups(List.of(noInbound))
                .minHealthyPercent(100)
                .maxHealthyPercent(200)
                .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
                .build();

        ScalableTaskCount scaling = service.autoScaleTaskCount(EnableScalingProps.builder()
                .minCapacity(settings.consumerMinTasks()).maxCapacity(settings.consumerMaxTasks()).build());
        scaling.scaleOnCpuUtilization("Cpu", CpuUtilizationScalingProps.builder()
                .targetUtilizationPercent(70)
                .scaleOutCooldown(Duration.minutes(2))
                .scaleInCooldown(Duration.minutes(10))
                .build());
        // A second target-tracking policy keeps shards per running task near shardsPerConsumerTask. With several
        // target-tracking policies Application Auto Scaling scales out when any asks and in only when all agree, so
        // the task count follows max(CPU need, shards / shardsPerConsumerTask). The autoscaler Lambda publishes
        // OpenShardCount every minute (Kinesis has no such metric); Container Insights publishes RunningTaskCount.
        ScalableTarget target = (ScalableTarget) scaling.getNode().findChild("Target");
        CfnScalingPolicy.Builder.create(this, "ShardsPerTask")
                .policyName(settings.prefix() + "-consumer-shards-per-task")
                .policyType("TargetTrackingScaling")
                .scalingTargetId(target.getScalableTargetId())
                .targetTrackingScalingPolicyConfiguration(
                        CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty.builder()
                                .targetValue(settings.shardsPerConsumerTask())
                                .scaleOutCooldown(120)
                                .scaleInCooldown(600)
                                .customizedMetricSpecification(
                                        CfnScalingPolicy.CustomizedMetricSpecificationProperty.builder()
                                                .metrics(List.of(
                                                        metricQuery("shards", "rtpipe", "OpenShardCount",
                                                                Map.of("StreamName", stream.getStreamName())),
                                                        metricQuery("tasks", "ECS/ContainerInsights", "RunningTaskCount",
                                                                Map.of("ClusterName", cluster.getClusterName(),
                                                                        "ServiceName", service.getServiceName())),
                                                        CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
                                                                .id("shardsPerTask")
                                                                .expression("shards / tasks")
                                                                .label("Open shards per running consumer task")
                                                                .returnData(true)
                                                                .build()))
                                                .build())
                                .build())
                .build();
    }

    /** CloudWatch namespace of the consumer's embedded-metric-format lines (the alarms read it). */
    static String metricsNamespace(InfraSettings settings) {
        return settings.consumerApplication();
    }

    /**
     * The container health check: healthy while the worker keeps its health file fresh (it deletes the file when
     * unhealthy). The base image's shell and find: no JVM started per check, no port opened in the task.
     */
    static String healthCheckCommand() {
        return "test -n \"$(find " + HEALTH_FILE + " -mmin -" + HEALTH_FILE_MAX_AGE_MINUTES + " 2>/dev/null)\"";
    }

    private static CfnScalingPolicy.TargetTrackingMetricDataQueryProperty metricQuery(String id, String namespace,
                                                                                    String name,
                                                                                    Map<String, String> dimensions) {
        return CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
                .id(id)
                .returnData(false)
                .metricStat(CfnScalingPolicy.TargetTrackingMetricStatProperty.builder()
                        .stat("Maximum")
                        .metric(CfnScalingPolicy.TargetTrackingMetricProperty.builder()
                                .namespace(namespace)
                                .metricName(name)
                                .dimensions(dimensions.entrySet().stream()
                                        .map(e -> CfnScalingPolicy.TargetTrackingMetricDimensionProperty.builder()
                                                .name(e.getKey()).value(e.getValue()).build())
                                        .toList())
                                .build())
                        .build())
                .build();
    }

    public FargateService service() {
        return service;
    }
}
