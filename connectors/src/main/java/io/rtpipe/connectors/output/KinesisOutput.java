package io.rtpipe.connectors.output;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.publish.OutputRecord;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The {@code kinesis} output (a stream name, or an ARN): PutRecords of each record's JSON with its id as partition key, so the copies of a
 * republished row land on one shard, next to each other for a consumer dropping them by id.
 */
public final class KinesisOutput implements OutputTransport {
    /** PutRecords takes 500 records and 5 MiB per call, 1 MiB per record (data and partition key). */
    private static final Batches BATCHES = new Batches("Kinesis record", 500, 5L << 20, 1L << 20,
            record -> Batches.bodyBytes(record) + record.id().getBytes(StandardCharsets.UTF_8).length);

    private final KinesisAsyncClient kinesis;
    private final RetryPolicy retry;

    public KinesisOutput(KinesisAsyncClient kinesis, RetryPolicy retry) {
        this.kinesis = kinesis;
        this.retry = retry;
    }

    @Override
    public void send(String stream, List<OutputRecord> records) {
        for (List<OutputRecord> batch : BATCHES.cut(records)) {
            EntryRetry.deliver("kinesis stream " + stream, batch, retry, pending -> {
                List<PutRecordsRequestEntry> entries = pending.stream().map(record -> PutRecordsRequestEntry.builder()
                        .partitionKey(record.id())
                        .data(SdkBytes.fromUtf8String(record.json()))
                        .build()).toList();
                try {
                    // a stream of another account or region is named by its ARN
                    return kinesis.putRecords(b -> (stream.startsWith("arn:") ? b.streamARN(stream)
                                    : b.streamName(stream)).records(entries)).join().records().stream()
                            .map(KinesisOutput::failure).toList();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException cause ? cause : e;
                }
            });
        }
    }

    private static String failure(PutRecordsResultEntry entry) {
        return entry.errorCode() == null ? null : entry.errorCode() + ": " + entry.errorMessage();
    }
}
