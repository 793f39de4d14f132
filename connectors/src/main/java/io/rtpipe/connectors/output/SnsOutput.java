package io.rtpipe.connectors.output;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.publish.OutputRecord;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The {@code sns} output: one Publish per alert, the record's JSON as message and its id as the message attribute
 * {@value #ID_ATTRIBUTE}. To a FIFO topic (its ARN ends in {@code .fifo}) the id is also the
 * MessageDeduplicationId, so SNS drops a re-sent alert within its 5-minute deduplication interval; all alerts share
 * one message group, keeping their publish order.
 */
public final class SnsOutput implements OutputTransport {
    /** The message attribute holding the record id. */
    public static final String ID_ATTRIBUTE = "rtpipe_id";
    /** The message group of FIFO topics. */
    public static final String MESSAGE_GROUP = "rtpipe-alerts";
    /** SNS takes messages of up to 256 KiB, attributes included. */
    private static final Batches BATCHES = new Batches("SNS message", 1, 256L << 10, (256L << 10) - 512,
            Batches::bodyBytes);

    private final SnsClient sns;
    private final RetryPolicy retry;

    public SnsOutput(SnsClient sns, RetryPolicy retry) {
        this.sns = sns;
        this.retry = retry;
    }

    @Override
    public void send(String topicArn, List<OutputRecord> records) {
        boolean fifo = topicArn.endsWith(".fifo");
        for (List<OutputRecord> batch : BATCHES.cut(records)) {
            OutputRecord record = batch.get(0);
            PublishRequest.Builder request = PublishRequest.builder().topicArn(topicArn).message(record.json())
                    .messageAttributes(Map.of(ID_ATTRIBUTE, MessageAttributeValue.builder().dataType("String")
                            .stringValue(record.id()).build()));
            if (fifo) {
                request.messageGroupId(MESSAGE_GROUP).messageDeduplicationId(record.id());
            }
            EntryRetry.deliver("sns topic " + topicArn, batch, retry, pending -> {
                sns.publish(request.build());
                return Collections.singletonList(null);
            });
        }
    }
}
