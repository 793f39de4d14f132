package io.rtpipe.reliability.verify;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a stream holds, read straight from Kinesis with GetRecords over every shard, closed ones (after a
 * reshard) included, each shard in sequence order: the ground truth for what the workers should have archived and
 * counted, including the copies producer retries put there.
 */
public final class StreamContents {

    private StreamContents() {
    }

    public static List<StoredRecord> readAll(KinesisAsyncClient kinesis, String stream) {
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

        List<StoredRecord> records = new ArrayList<>();
        for (Shard shard : shards) {
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000)).join();
                for (Record r : page.records()) {
                    records.add(new StoredRecord(shard.shardId(), r.sequenceNumber(), r.data().asByteArray()));
                }
                // An open shard has no end: stop at its tip. A closed shard ends with no next iterator.
                boolean atTip = page.records().isEmpty() && Long.valueOf(0).equals(page.millisBehindLatest());
                iterator = atTip ? null : page.nextShardIterator();
            }
        }
        return records;
    }
}
