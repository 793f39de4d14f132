package io.rtpipe.connectors.output;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.publish.OutputRecord;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code lambda} output: a synchronous Invoke per batch with the payload {@code {"records":[RECORD, ...]}}, each
 * record the JSON body with its id. A function error (the {@code X-Amz-Function-Error} header) fails the whole batch,
 * which is invoked again: the function must drop records by id if it has side effects.
 */
public final class LambdaOutput implements OutputTransport {
    /** A synchronous Invoke takes 6 MB of payload; 5 MiB of records leaves room for the envelope. */
    private static final Batches BATCHES = new Batches("Lambda payload", 500, 5L << 20, 5L << 20,
            record -> Batches.bodyBytes(record) + 1);

    private final LambdaClient lambda;
    private final RetryPolicy retry;

    public LambdaOutput(LambdaClient lambda, RetryPolicy retry) {
        this.lambda = lambda;
        this.retry = retry;
    }

    @Override
    public void send(String function, List<OutputRecord> records) {
        for (List<OutputRecord> batch : BATCHES.cut(records)) {
            // One Invoke carries the batch: it succeeds or fails as a whole.
            EntryRetry.deliver("lambda function " + function, List.of(batch), retry, pending -> {
                String payload = batch.stream().map(OutputRecord::json)
                        .collect(Collectors.joining(",", "{\"records\":[", "]}"));
                InvokeResponse response = lambda.invoke(b -> b.functionName(function)
                        .invocationType(InvocationType.REQUEST_RESPONSE)
                        .payload(SdkBytes.fromUtf8String(payload)));
                return Collections.singletonList(response.functionError() == null ? null
                        : "function error " + response.functionError() + ": " + response.payload().asUtf8String());
            });
        }
    }
}
