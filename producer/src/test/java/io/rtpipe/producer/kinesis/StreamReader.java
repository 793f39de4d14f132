package io.rtpipe.producer.kinesis;

import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a whole stream back with GetRecords on every shard, for checking what the producer stored. */
final class StreamReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamReader() {
    }

    /** The event ids stored in the stream (one entry per stored copy), polling until {@code expected} or the timeout. */
    static List<String> eventIds(KinesisAsyncClient kinesis, String stream, int expected, Duration timeout)
            throws InterruptedException {
        List<Shard> shards = kinesis.listShards(r -> r.streamName(stream)).join().shards();
        Map<String, String> iterators = new HashMap<>();
        for (Shard shard : shards) {
            iterators.put(shard.shardId(), kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator());
        }
        List<String> ids = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ids.size() < expected && System.nanoTime() < deadline) {
            boolean any = false;
            for (Map.Entry<String, String> shard : iterators.entrySet()) {
                String iterator = shard.getValue();
                GetRecordsResponse response = kinesis.getRecords(r -> r.shardIterator(iterator)).join();
                for (Record record : response.records()) {
                    ids.add(eventId(record.data().asByteArray()));
                    any = true;
                }
                shard.setValue(response.nextShardIterator());
            }
            if (!any) {
                Thread.sleep(100);
            }
        }
        // One more pass after reaching the count, so surplus copies (duplicates) are seen too.
        for (String iterator : iterators.values()) {
            for (Record record : kinesis.getRecords(r -> r.shardIterator(iterator)).join().records()) {
                ids.add(eventId(record.data().asByteArray()));
            }
        }
        return ids;
    }

    static String eventId(byte[] event) {
        try {
            return JSON.readTree(event).get("event_id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
