package io.rtpipe.consumer.testing;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.util.ArrayList;
import java.util.List;

/** Puts payloads into a stream with plain PutRecords (500 per call, failed entries re-put in order). */
public final class StreamFeeder {

    /** Where one payload landed. */
    public record Put(String shardId, String sequenceNumber, byte[] payload) {
    }

    private StreamFeeder() {
    }

    /**
     * Puts the payloads in order, each with partition key {@code "pk-" + index % partitionKeys}; returns where each
     * landed, in input order. Entries of one call land in request order within a shard.
     */
    public static List<Put> put(KinesisAsyncClient kinesis, String stream, List<byte[]> payloads, int partitionKeys) {
        List<Put> puts = new ArrayList<>(payloads.size());
        for (int from = 0; from < payloads.size(); from += 500) {
            List<byte[]> chunk = payloads.subList(from, Math.min(from + 500, payloads.size()));
            int base = from;
            for (int i = 0; i < chunk.size(); ) {
                // Retrying a failed entry alone keeps shard order equal to input order.
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int j = i; j < chunk.size(); j++) {
                    entries.add(PutRecordsRequestEntry.builder()
                            .partitionKey("pk-" + ((base + j) % partitionKeys))
                            .data(SdkBytes.fromByteArray(chunk.get(j))).build());
                }
                List<PutRecordsResultEntry> results = kinesis.putRecords(b -> b.streamName(stream).records(entries))
                        .join().records();
                for (PutRecordsResultEntry result : results) {
                    if (result.errorCode() != null) {
                        break;
                    }
                    puts.add(new Put(result.shardId(), result.sequenceNumber(), chunk.get(i)));
                    i++;
                }
            }
        }
        return puts;
    }
}
