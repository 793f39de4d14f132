package io.rtpipe.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import io.rtpipe.contract.ConsumerMetrics;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One dashboard and the alarms that mean someone should look: consumers falling behind (iterator age, and each
 * worker's own behind-latest figure), producers or consumers throttled, the consumer failing to write or to
 * checkpoint (its embedded-metric-format figures), records given up on (dead-letter depth), the autoscaler failing.
 * Alarms notify an encrypted SNS topic; the dashboard shows every alarm's state.
 */
public final class MonitoringStack extends Stack {

    private final Topic alarms;

    public MonitoringStack(Construct scope, String id, StackProps props, InfraSettings settings, IStream stream,
                           FargateService consumer, IFunction autoscaler, Optional<IFunction> analytics,
                           Optional<IQueue> deadLetters) {
        super(scope, id, props);
        Key topicKey = Key.Builder.create(this, "AlarmTopicKey")
                .description("Encrypts the " + settings.prefix() + " alarm topic")
                .enableKeyRotation(true)
                .build();
        // CloudWatch alarms publish to an encrypted topic only if they may use its key.
        topicKey.addToResourcePolicy(PolicyStatement.Builder.create()
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of("*"))
                .build());
        this.alarms = Topic.Builder.create(this, "Alarms").masterKey(topicKey).enforceSsl(true).build();
        settings.alarmEmail().ifPresent(email -> alarms.addSubscription(new EmailSubscription(email)));
        SnsAction notify = new SnsAction(alarms);

        MetricOptions perMinuteMax = MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build();
        MetricOptions perMinuteSum = MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build();
        Metric iteratorAge = stream.metricGetRecordsIteratorAgeMilliseconds(perMinuteMax);
        Metric writeThrottles = stream.metricPutRecordsThrottledRecords(perMinuteSum);
        Metric readThrottles = stream.metricReadProvisionedThroughputExceeded(perMinuteSum);

        List<Alarm> all = new ArrayList<>();
        all.add(alarm("IteratorAge", iteratorAge, settings.iteratorAgeAlarmSeconds() * 1000.0, 5, 5,
                "Consumers are more than " + settings.iteratorAgeAlarmSeconds() + " s behind the stream."));
        all.add(alarm("WriteThrottles", writeThrottles, 0, 5, 3,
                "Producers' records were throttled in 3 of the last 5 minutes: the stream needs more shards."));
        all.add(alarm("ReadThrottles", readThrottles, 0, 5, 3,
                "Consumer reads were throttled in 3 of the last 5 minutes."));
        all.add(alarm("AutoscalerErrors", autoscaler.metricErrors(MetricOptions.builder()
                .period(Duration.minutes(5)).statistic("Sum").build()), 0, 3, 3,
                "The shard autoscaler failed for 15 minutes."));
        deadLetters.ifPresent(queue -> all.add(alarm("DeadLetters",
                queue.metricApproximateNumberOfMessagesVisible(perMinuteMax), 0, 1, 1,
                "Kinesis batches the analytics Lambda gave up on are waiting in the on-failure queue.")));
        analytics.ifPresent(fn -> all.add(alarm("AnalyticsIteratorAge", Metric.Builder.create()
                .namespace("AWS/Lambda").metricName("IteratorAge")
                .dimensionsMap(Map.of("FunctionName", fn.getFunctionName()))
                .statistic("Maximum").period(Duration.minutes(1)).build(),
                settings.iteratorAgeAlarmSeconds() * 1000.0, 5, 5,
                "The analytics Lambda is more than " + settings.iteratorAgeAlarmSeconds() + " s behind.")));
        // The consumer's own figures (embedded-metric-format lines in its logs), over all its workers.
        Map<String, String> service = Map.of(ConsumerMetrics.APPLICATION, settings.consumerApplication());
        Metric writeFailures = consumerMetric(settings, ConsumerMetrics.WRITE_FAILURES, service, "Sum");
        Metric uncheckpointedAge = consumerMetric(settings, ConsumerMetrics.OLDEST_UNCHECKPOINTED_AGE, service,
                "Maximum");
        Metric behindLatest = consumerMetric(settings, ConsumerMetrics.MILLIS_BEHIND_LATEST, service, "Maximum");
        all.add(alarm("ConsumerWriteFailures", writeFailures, 0, 1, 1,
                "The consumer could not write to S3 or DynamoDB after retries: results are delayed until it can "
                        + "(it keeps the data and retries)."));
        all.add(alarm("ConsumerNotCheckpointing", uncheckpointedAge,
                settings.uncheckpointedAgeAlarmMinutes() * 60_000.0, 3, 3,
                "Records kept arriving for more than " + settings.uncheckpointedAgeAlarmMinutes() + " min without "
                        + "the consumer's checkpoint advancing: it reads but does not make results durable."));
        all.add(alarm("ConsumerBehindLatest", behindLatest, settings.behindLatestAlarmSeconds() * 1000.0, 5, 5,
                "A consumer worker is more than " + settings.behindLatestAlarmSeconds() + " s behind the tip of "
                        + "one of its shards."));
        all.forEach(a -> a.addAlarmAction(notify));

        Metric openShards = Metric.Builder.create().namespace("rtpipe").metricName("OpenShardCount")
                .dimensionsMap(Map.of("StreamName", stream.getStreamName()))
                .statistic("Maximum").period(Duration.minutes(1)).build();
        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(settings.prefix() + "-pipeline")
                .build();
        dashboard.addWidgets(
                graph("Incoming", stream.metricIncomingBytes(perMinuteSum), stream.metricIncomingRecords(perMinuteSum)),
                graph("Throttled records", writeThrottles, readThrottles),
                graph("Iterator age (ms)", iteratorAge));
        dashboard.addWidgets(
                graph("Open shards", openShards),
                graph("Consumer CPU %", consumer.metricCpuUtilization()),
                graph("Autoscaler errors", autoscaler.metricErrors()));
        dashboard.addWidgets(
                graph("Consumer records processed / results written",
                        consumerMetric(settings, ConsumerMetrics.RECORDS_PROCESSED, service, "Sum"),
                        consumerMetric(settings, ConsumerMetrics.RESULTS_WRITTEN, service, "Sum")),
                graph("Consumer write failures, dead letters, late records", writeFailures,
                        consumerMetric(settings, ConsumerMetrics.DEAD_LETTERS, service, "Sum"),
                        consumerMetric(settings, ConsumerMetrics.LATE_RECORDS, service, "Sum")),
                graph("Consumer oldest uncheckpointed / behind latest (ms)", uncheckpointedAge, behindLatest));
        dashboard.addWidgets(AlarmStatusWidget.Builder.create().title("Alarms").alarms(List.copyOf(all))
                .width(24).build());
        deadLetters.ifPresent(queue -> dashboard.addWidgets(
                graph("Dead letters", queue.metricApproximateNumberOfMessagesVisible())));
    }

    private Alarm alarm(String id, IMetric metric, double threshold, int evaluationPeriods, int datapoints,
                        String description) {
        return Alarm.Builder.create(this, id)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(evaluationPeriods)
                .datapointsToAlarm(datapoints)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription(description)
                .build();
    }

    private static Metric consumerMetric(InfraSettings settings, String name, Map<String, String> dimensions,
                                         String statistic) {
        return Metric.Builder.create()
                .namespace(ConsumerStack.metricsNamespace(settings))
                .metricName(name)
                .dimensionsMap(dimensions)
                .statistic(statistic)
                .period(Duration.minutes(1))
                .build();
    }

    private static GraphWidget graph(String title, IMetric... metrics) {
        return GraphWidget.Builder.create().title(title).left(List.of(metrics)).width(8).build();
    }

    public Topic alarms() {
        return alarms;
    }
}
