package io.rtpipe.lambda.autoscaler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;

import java.time.Clock;

/**
 * Lambda entry point of the shard autoscaler, run by an EventBridge schedule (every minute in the CDK app).
 * Returns the decision as one line of text (also logged), the result of test invocations.
 */
public final class ShardAutoscalerHandler implements RequestHandler<ScheduledEvent, String> {

    private final ShardAutoscaler autoscaler;

    /** Used by the Lambda runtime: settings from the environment, clients built once per container. */
    public ShardAutoscalerHandler() {
        this(fromSettings(AutoscalerSettings.fromEnvironment(System.getenv())));
    }

    public ShardAutoscalerHandler(ShardAutoscaler autoscaler) {
        this.autoscaler = autoscaler;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        return autoscaler.runOnce().toString(); // ShardAutoscaler logs the decision
    }

    static ShardAutoscaler fromSettings(AutoscalerSettings settings) {
        AwsConfig.Builder aws = AwsConfig.builder().region(settings.region());
        if (settings.endpoint() != null) {
            aws.endpoint(settings.endpoint());
        }
        AwsClients clients = new AwsClients(aws.build());
        CloudWatchStreamMetrics cloudWatch = new CloudWatchStreamMetrics(clients.cloudWatchAsync());
        return new ShardAutoscaler(settings.streamName(), new ScalingPolicy(settings.config()), cloudWatch,
                new KinesisStreamControl(clients.kinesisAsync()), cloudWatch, settings.scalingEnabled(),
                Clock.systemUTC());
    }
}
