package io.rtpipe.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.constructs.Construct;

/** The Kinesis data stream, KMS-encrypted with the AWS-managed key; provisioned (autoscaled) or on-demand. */
public final class StreamStack extends Stack {

    private final Stream stream;

    public StreamStack(Construct scope, String id, StackProps props, InfraSettings settings) {
        super(scope, id, props);
        boolean provisioned = settings.streamMode() == InfraSettings.StreamMode.PROVISIONED;
        Stream.Builder builder = Stream.Builder.create(this, "Stream")
                .streamName(settings.prefix() + "-events")
                // The AWS-managed aws/kinesis key: server-side KMS encryption without a customer key's monthly
                // and per-request charges or the grants every producer and consumer would need (cdk-nag KDS3).
                .encryption(StreamEncryption.MANAGED)
                .retentionPeriod(Duration.hours(settings.retentionHours()))
                .streamMode(provisioned ? StreamMode.PROVISIONED : StreamMode.ON_DEMAND);
        if (provisioned) {
            builder.shardCount(settings.initialShards());
        }
        this.stream = builder.build();
    }

    public Stream stream() {
        return stream;
    }
}
