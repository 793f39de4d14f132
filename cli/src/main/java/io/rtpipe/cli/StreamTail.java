package io.rtpipe.cli;

import io.rtpipe.testkit.StreamReader;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows every shard of a stream with GetRecords and hands over each user record as it arrives: KPL aggregated
 * records are split by KCL's own de-aggregation ({@link AggregatorUtil}), so a reader sees what producers sent.
 * Shards created later (a reshard) are picked up from their first record; a closed shard is dropped once read to its
 * end. Not thread-safe; one tail per thread.
 */
final class StreamTail {

    /** Where reading starts on the shards that exist when the tail starts. */
    enum From { TRIM_HORIZON, LATEST, TIMESTAMP }

    /** Kinesis allows 5 GetRecords calls per second and shard: rest this long when no shard had anything. */
    private static final Duration IDLE_PAUSE = Duration.ofMillis(250);
    /** How often the shard list is read again to find children of a reshard. */
    private static final Duration SHARD_REFRESH = Duration.ofSeconds(5);
    private static final int RECORDS_PER_CALL = 1_000;

    private final KinesisAsyncClient kinesis;
    private final String stream;
    private final AggregatorUtil aggregation = new AggregatorUtil();
    /** Open iterators by shard id, in the order shards were found. */
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Set<String> known = new HashSet<>();

    StreamTail(KinesisAsyncClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    /**
     * Reads until {@code max} user records were handed over (0 = no limit) or the thread is interrupted.
     *
     * @param timestamp where reading starts with {@link From#TIMESTAMP}; otherwise ignored
     * @return the number of user records handed over
     */
    long follow(From from, Instant timestamp, long max, Consumer<KinesisClientRecord> sink)
            throws InterruptedException {
        discoverShards(from, timestamp);
        long handed = 0;
        long nextRefresh = System.nanoTime() + SHARD_REFRESH.toNanos();
        while (!Thread.currentThread().isInterrupted()) {
            boolean anything = false;
            for (Map.Entry<String, String> shard : new ArrayList<>(iterators.entrySet())) {
                String iterator = shard.getValue();
                GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(iterator).limit(RECORDS_PER_CALL))
                        .join();
                List<KinesisClientRecord> records = aggregation.deaggregate(
                        page.records().stream().map(KinesisClientRecord::fromRecord).toList());
                for (KinesisClientRecord record : records) {
                    sink.accept(record);
                    anything = true;
                    if (max > 0 && ++handed >= max) {
                        return handed;
                    }
                }
                if (page.nextShardIterator() == null) {
                    iterators.remove(shard.getKey()); // a closed shard read to its end
                } else {
                    iterators.put(shard.getKey(), page.nextShardIterator());
                }
            }
            if (System.nanoTime() >= nextRefresh) {
                discoverShards(From.TRIM_HORIZON, null); // shards found now were created after the tail started
                nextRefresh = System.nanoTime() + SHARD_REFRESH.toNanos();
            }
            if (!anything) {
                Thread.sleep(IDLE_PAUSE.toMillis());
            }
        }
        return handed;
    }

    private void discoverShards(From from, Instant timestamp) {
        for (Shard shard : StreamReader.listShards(kinesis, stream)) {
            if (!known.add(shard.shardId())) {
                continue;
            }
            GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder()
                    .streamName(stream).shardId(shard.shardId());
            switch (from) {
                case TRIM_HORIZON -> request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                case LATEST -> request.shardIteratorType(ShardIteratorType.LATEST);
                case TIMESTAMP -> request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(timestamp);
            }
            String iterator = kinesis.getShardIterator(request.build()).join().shardIterator();
            if (iterator != null) {
                iterators.put(shard.shardId(), iterator);
            }
        }
    }
}
