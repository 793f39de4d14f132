package io.rtpipe.cli.local;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads every record a stream holds, straight from Kinesis: the audit's ground truth for what the consumer should
 * have archived and counted (it includes the duplicates producer retries put there).
 */
final class StreamReader {

    /** Where Kinesis stored a record. */
    record Address(String shardId, String sequenceNumber) {
        @Override
        public String toString() {
            return shardId + "/" + sequenceNumber;
        }
    }

    record StoredRecord(Address address, byte[] data) {}

    private StreamReader() {
    }

    static List<StoredRecord> readAll(KinesisAsyncClient kinesis, String stream) {
        List<StoredRecord> records = new ArrayList<>();
        // One ListShards page holds up to 1,000 shards: far more than a local run creates.
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).join().shards()) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000)).join();
                for (Record r : page.records()) {
                    records.add(new StoredRecord(new Address(shard.shardId(), r.sequenceNumber()),
                            r.data().asByteArray()));
                }
                boolean atTip = page.records().isEmpty() && Long.valueOf(0).equals(page.millisBehindLatest());
                iterator = atTip ? null : page.nextShardIterator();
            }
        }
        return records;
    }
}
