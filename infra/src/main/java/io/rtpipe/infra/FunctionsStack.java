package io.rtpipe.infra;

import io.rtpipe.contract.AnalyticsLambdaSettings;
import io.rtpipe.contract.Durations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Lambdas: the shard autoscaler on a one-minute schedule, and (when {@code rtpipe:analyticsLambda} is true)
 * the Kinesis analytics handler with its event source mapping and on-failure queue. Each function has its own role
 * with only the grants it uses, and its own log group with a retention.
 */
public final class FunctionsStack extends Stack {

    public static final String AUTOSCALER_HANDLER = "io.rtpipe.lambda.autoscaler.ShardAutoscalerHandler::handleRequest";

    /** The handlers are Java 17 bytecode; Java 21 is the LTS runtime they are deployed on (see the L1 suppression). */
    static final Runtime RUNTIME = Runtime.JAVA_21;

    /** Lambda's upper bound of an event source mapping's MaximumRecordAgeInSeconds (604,800 s). */
    static final int MAX_RECORD_AGE_HOURS = 7 * 24;

    private final Function autoscaler;
    private final Function analytics;
    private final Queue analyticsFailures;

    /** @param metrics the spec the analytics Lambda runs; empty: the built-in metric */
    public FunctionsStack(Construct scope, String id, StackProps props, InfraSettings settings,
                          Optional<MetricsSpecFile> metrics, IStream stream, IBucket archive, ITable results) {
        super(scope, id, props);
        Path jar = Path.of(settings.lambdaJar());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("Lambda jar not found at " + jar.toAbsolutePath().normalize()
                    + ": build it with './mvnw -pl lambda-handlers -am package', or pass -c rtpipe:lambdaJar=PATH.");
        }
        Code code = Code.fromAsset(jar.toString());
        boolean provisioned = settings.streamMode() == InfraSettings.StreamMode.PROVISIONED;

        Map<String, String> env = new HashMap<>();
        env.put("STREAM_NAME", stream.getStreamName());
        env.put("MIN_SHARDS", Integer.toString(settings.minShards()));
        env.put("MAX_SHARDS", Integer.toString(settings.maxShards()));
        // On-demand streams still get the function: it publishes OpenShardCount for the consumer's task scaling.
        env.put("SCALING_ENABLED", Boolean.toString(provisioned));
        this.autoscaler = function("Autoscaler", AUTOSCALER_HANDLER, code, env, Duration.seconds(60));
        autoscaler.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(provisioned
                        ? List.of("kinesis:DescribeStreamSummary", "kinesis:ListTagsForStream",
                                "kinesis:AddTagsToStream", "kinesis:UpdateShardCount")
                        : List.of("kinesis:DescribeStreamSummary"))
                .resources(List.of(stream.getStreamArn()))
                .build());
        autoscaler.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("cloudwatch:GetMetricData"))
                .resources(List.of("*"))
                .build());
        autoscaler.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("cloudwatch:PutMetricData"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", "rtpipe")))
                .build());
        Nag.suppress(autoscaler.getRole(), "AwsSolutions-IAM5",
                "CloudWatch GetMetricData and PutMetricData support no resource-level permissions; PutMetricData is "
                        + "limited to the rtpipe namespace by condition.", List.of("Resource::*"));
        Rule.Builder.create(this, "AutoscalerSchedule")
                .description("Runs the rtpipe shard autoscaler every minute")
                .schedule(Schedule.rate(Duration.minutes(1)))
                .targets(List.of(new LambdaFunction(autoscaler, LambdaFunctionProps.builder().retryAttempts(0).build())))
                .build();

        if (settings.analyticsLambda()) {
            metrics.filter(spec -> !spec.engine().references().isEmpty()).ifPresent(spec -> {
                // The handler refuses such a spec at cold start (BatchFolder): say so at synth instead.
                throw new IllegalArgumentException("rtpipe:analyticsLambda: the analytics Lambda does not join "
                        + "reference tables, and rtpipe:metricsFile names " + spec.engine().references().size()
                        + "; run that spec in the consumer (leave rtpipe:analyticsLambda off).");
            });
            this.analyticsFailures = Queue.Builder.create(this, "AnalyticsFailures")
                    .encryption(QueueEncryption.SQS_MANAGED)
                    .enforceSsl(true)
                    .retentionPeriod(Duration.days(14))
                    .build();
            Nag.suppress(analyticsFailures, "AwsSolutions-SQS3",
                    "This queue is itself the on-failure destination (dead-letter queue) of the analytics mapping.");
            Map<String, String> analyticsEnv = SettingEnvironment.of(Map.of(
                    AnalyticsLambdaSettings.RESULTS_TABLE, results.getTableName(),
                    AnalyticsLambdaSettings.BUCKET, archive.getBucketName(),
                    AnalyticsLambdaSettings.RESULT_RETENTION, Durations.days(settings.resultRetentionDays())));
            this.analytics = function("Analytics", settings.analyticsHandler(), code, analyticsEnv,
                    Duration.minutes(2));
            results.grantReadWriteData(analytics);
            metrics.ifPresent(spec -> analytics.addEnvironment(AnalyticsLambdaSettings.METRICS_FILE.env(),
                    spec.shipTo(this, analytics.getRole())));
            ArchiveGrants.writeIntervals(analytics.getRole(), archive, false, false); // its state rides in its own item
            var source = software.amazon.awscdk.services.lambda.eventsources.KinesisEventSourceProps.builder()
                    .startingPosition(StartingPosition.TRIM_HORIZON)
                    .batchSize(settings.batchSize())
                    .maxBatchingWindow(Duration.seconds(settings.batchingWindowSeconds()))
                    // A failing batch holds its shard: no retryAttempts (MaximumRetryAttempts stays at Lambda's
                    // default -1, unlimited, which tumbling windows support), so a batch is only given up when its
                    // records reach maxRecordAge, and then its shard and sequence range go to the on-failure queue.
                    .bisectBatchOnError(true)
                    .reportBatchItemFailures(true)
                    .maxRecordAge(analyticsMaxRecordAge(settings.retentionHours()))
                    .onFailure(new SqsDlq(analyticsFailures));
            if (settings.tumblingWindowSeconds() > 0) {
                source.tumblingWindow(Duration.seconds(settings.tumblingWindowSeconds()));
            }
            analytics.addEventSource(new KinesisEventSource(stream, source.build()));
        } else {
            this.analytics = null;
            this.analyticsFailures = null;
        }
    }

    /**
     * How old a record may get while its batch is retried: an hour less than the stream retention, at most Lambda's
     * limit of 7 days. The hour is the point: a batch given up on is named in the on-failure queue while its records
     * are still in the stream, so they can be read back and replayed (lambda-handlers/README.md, Failures).
     */
    static Duration analyticsMaxRecordAge(int retentionHours) {
        return Duration.hours(Math.min(retentionHours - 1, MAX_RECORD_AGE_HOURS));
    }

    private Function function(String id, String handler, Code code, Map<String, String> env, Duration timeout) {
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs").retention(RetentionDays.ONE_MONTH).build();
        // An own role without the AWSLambdaBasicExecutionRole managed policy: writes to its own log group only.
        Role role = Role.Builder.create(this, id + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .build();
        logs.grantWrite(role);
        Function fn = Function.Builder.create(this, id)
                .runtime(RUNTIME)
                .handler(handler)
                .code(code)
                .memorySize(1024)
                .timeout(timeout)
                .environment(env)
                .role(role)
                .logGroup(logs)
                // One at a time: two overlapping runs could both decide to reshard.
                .reservedConcurrentExecutions(id.equals("Autoscaler") ? 1 : null)
                .build();
        Nag.suppress(fn, "AwsSolutions-L1",
                "Java 21 is a supported LTS Lambda runtime; the handlers are Java 17 bytecode and have not been "
                        + "tested on Java 25 yet.");
        return fn;
    }

    public Function autoscaler() {
        return autoscaler;
    }

    public Optional<Function> analytics() {
        return Optional.ofNullable(analytics);
    }

    public Optional<Queue> analyticsFailures() {
        return Optional.ofNullable(analyticsFailures);
    }
}
