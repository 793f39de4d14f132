package io.rtpipe.connectors.output;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.publish.OutputRecord;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

import java.util.List;

/**
 * The {@code firehose} output: PutRecordBatch of each record's JSON followed by a line break, so the objects Firehose
 * writes are JSON lines. Firehose itself may deliver a record twice; the id in each line lets readers drop copies.
 */
public final class FirehoseOutput implements OutputTransport {
    /** PutRecordBatch takes 500 records and 4 MiB per call, 1,000 KiB per record. */
    private static final Batches BATCHES = new Batches("Firehose record", 500, 4L << 20, 1000L << 10,
            record -> Batches.bodyBytes(record) + 1);

    private final FirehoseClient firehose;
    private final RetryPolicy retry;

    public FirehoseOutput(FirehoseClient firehose, RetryPolicy retry) {
        this.firehose = firehose;
        this.retry = retry;
    }

    @Override
    public void send(String deliveryStream, List<OutputRecord> records) {
        for (List<OutputRecord> batch : BATCHES.cut(records)) {
            EntryRetry.deliver("firehose delivery stream " + deliveryStream, batch, retry, pending -> {
                List<Record> entries = pending.stream()
                        .map(record -> Record.builder().data(SdkBytes.fromUtf8String(record.json() + "\n")).build())
                        .toList();
                return firehose.putRecordBatch(b -> b.deliveryStreamName(deliveryStream).records(entries))
                        .requestResponses().stream().map(FirehoseOutput::failure).toList();
            });
        }
    }

    private static String failure(PutRecordBatchResponseEntry entry) {
        return entry.errorCode() == null ? null : entry.errorCode() + ": " + entry.errorMessage();
    }
}
