package io.rtpipe.producer.testing;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole stream back as a KCL worker sees it, for checking what a producer stored: every shard from
 * TRIM_HORIZON to its end or open tip, its records de-aggregated with KCL's own code using the shard's hash-key range
 * (KCL drops a whole aggregate if any member is outside that range, so a wrongly routed aggregate shows as missing).
 */
public final class StreamContents {

    /** One shard: how many Kinesis records it holds and the user records de-aggregated from them, in shard order. */
    public record ShardContents(String shardId, int kinesisRecords, List<KinesisClientRecord> userRecords) {
    }

    private StreamContents() {
    }

    public static List<ShardContents> read(KinesisAsyncClient kinesis, String stream) {
        List<ShardContents> contents = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).join().shards()) {
            List<KinesisClientRecord> read = new ArrayList<>();
            String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = kinesis.getRecords(r -> r.shardIterator(current).limit(10_000)).join();
                response.records().forEach(r -> read.add(KinesisClientRecord.fromRecord(r)));
                // An empty answer alone does not mean the end on every backend: only at the tip is nothing behind.
                boolean atTip = response.records().isEmpty() && Long.valueOf(0).equals(response.millisBehindLatest());
                iterator = atTip ? null : response.nextShardIterator();
            }
            contents.add(new ShardContents(shard.shardId(), read.size(), new AggregatorUtil().deaggregate(read,
                    shard.hashKeyRange().startingHashKey(), shard.hashKeyRange().endingHashKey())));
        }
        return contents;
    }
}
