package io.rtpipe.cli.local;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads every record a stream holds, straight from Kinesis with GetRecords over every shard, closed ones (after a
 * reshard) included, each shard in sequence order: the audits' ground truth (the {@code rtpipe local} audit, the chaos
 * suite's verifier) for what the consumer should have archived and counted, including the copies producer retries put
 * there.
 */
public final class StreamReader {

    /** Where Kinesis stored a record: identifies it in the archive, dead letters and late records. */
    public record Address(String shardId, String sequenceNumber) {
        @Override
        public String toString() {
            return shardId + "/" + sequenceNumber;
        }
    }

    /** A record as Kinesis stored it, with its approximate arrival time (epoch millis). */
    public record StoredRecord(Address address, byte[] data, long arrivalMillis) {}

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
                    records.add(new StoredRecord(new Address(shard.shardId(), r.sequenceNumber()),
                            r.data().asByteArray(), r.approximateArrivalTimestamp().toEpochMilli()));
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
