package io.rtpipe.cli.local;

import io.rtpipe.connectors.kpl.AggregatedRecordFormat;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
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

    /** A user record as Kinesis stored it (de-aggregated). */
    public record StoredRecord(Address address, byte[] data) {}

    private StreamReader() {
    }

    public static List<StoredRecord> readAll(KinesisAsyncClient kinesis, String stream) {
        List<StoredRecord> records = new ArrayList<>();
        for (Shard shard : listShards(kinesis, stream)) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000)).join();
                for (Record r : page.records()) {
                    List<AggregatedRecordFormat.UserRecord> members = AggregatedRecordFormat.decode(r.data().asByteArray());
                    for (int i = 0; i < members.size(); i++) {
                        records.add(new StoredRecord(new Address(shard.shardId(), r.sequenceNumber(), i),
                                members.get(i).data()));
                    }
                }
                // An open shard has no end: stop at its tip. A closed shard ends with no next iterator.
                boolean atTip = page.records().isEmpty() && Long.valueOf(0).equals(page.millisBehindLatest());
                iterator = atTip ? null : page.nextShardIterator();
            }
        }
        return records;
    }

    private static List<Shard> listShards(KinesisAsyncClient kinesis, String stream) {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            ListShardsResponse page = token == null
                    ? kinesis.listShards(b -> b.streamName(stream)).join()
                    : kinesis.listShards(b -> b.nextToken(token)).join();
            shards.addAll(page.shards());
            next = page.nextToken();
        } while (next != null);
        return shards;
    }
}
