package io.rtpipe.testkit;

import io.rtpipe.connectors.aws.KinesisShards;
import io.rtpipe.connectors.kpl.AggregatedRecordFormat;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads every user record a stream holds, straight from Kinesis with GetRecords over every shard, closed ones (after
 * a reshard) included, each shard in sequence order, aggregated records unpacked by the format's owner
 * ({@link AggregatedRecordFormat}) as KCL unpacks them for the consumer: the audits' ground truth (the
 * {@code rtpipe local} audit, the chaos suite's verifier) for what the consumer should have archived and counted,
 * including the copies producer retries put there.
 */
public final class StreamReader {

    /**
     * Where Kinesis stored a user record: identifies it in the archive, dead letters and late records.
     *
     * @param subSequenceNumber its index in the aggregated Kinesis record it travelled in; 0 for a record of its own
     */
    public record Address(String shardId, String sequenceNumber, long subSequenceNumber) {
        @Override
        public String toString() {
            return shardId + "/" + sequenceNumber + (subSequenceNumber == 0 ? "" : "/" + subSequenceNumber);
        }
    }

    /**
     * A user record as Kinesis stored it (de-aggregated), with its own partition key (an aggregate member's, or the
     * Kinesis record's) and its approximate arrival time (epoch millis).
     */
    public record StoredRecord(Address address, String partitionKey, byte[] data, long arrivalMillis) {}

    /**
     * Kinesis' own limits for one GetRecords call are 10,000 records and 10 MB; pages here aim at 2 MB, which
     * kinesis-mock (single-threaded JavaScript) serves in well under the client's timeouts even on a loaded machine.
     */
    private static final int MAX_PAGE_RECORDS = 10_000;
    private static final long PAGE_BYTES = 2L * 1024 * 1024;
    /** Until the records' size is known: 2 aggregates of the largest size fit in a page. */
    private static final int FIRST_PAGE_RECORDS = 2;

    private StreamReader() {
    }

    public static List<StoredRecord> readAll(KinesisAsyncClient kinesis, String stream) {
        List<StoredRecord> records = new ArrayList<>();
        for (Shard shard : listShards(kinesis, stream)) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            int limit = FIRST_PAGE_RECORDS;
            while (iterator != null) {
                String current = iterator;
                int pageLimit = limit;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(pageLimit)).join();
                limit = nextLimit(page, pageLimit);
                for (Record r : page.records()) {
                    List<AggregatedRecordFormat.UserRecord> members = AggregatedRecordFormat.decode(r.data().asByteArray());
                    for (int i = 0; i < members.size(); i++) {
                        records.add(new StoredRecord(new Address(shard.shardId(), r.sequenceNumber(), i),
                                members.get(i).partitionKeyOr(r.partitionKey()), members.get(i).data(),
                                r.approximateArrivalTimestamp().toEpochMilli()));
                    }
                }
                // An open shard has no end: stop at its tip. A closed shard ends with no next iterator.
                boolean atTip = page.records().isEmpty() && Long.valueOf(0).equals(page.millisBehindLatest());
                iterator = atTip ? null : page.nextShardIterator();
            }
        }
        return records;
    }

    /**
     * Records per GetRecords call so a page stays near {@link #PAGE_BYTES}: an aggregated record may hold 1 MiB,
     * and kinesis-mock asked for 10,000 of them at once takes longer than the client waits for the answer.
     */
    private static int nextLimit(GetRecordsResponse page, int current) {
        long bytes = 0;
        for (Record r : page.records()) {
            bytes += r.data().asByteArrayUnsafe().length;
        }
        if (bytes == 0) {
            return current; // nothing learned about the size
        }
        long perRecord = Math.max(1, bytes / page.records().size());
        return (int) Math.max(1, Math.min(MAX_PAGE_RECORDS, PAGE_BYTES / perRecord));
    }

    /** Every shard of the stream, open or closed, across ListShards pages. */
    public static List<Shard> listShards(KinesisAsyncClient kinesis, String stream) {
        return KinesisShards.list(kinesis, stream);
    }
}
