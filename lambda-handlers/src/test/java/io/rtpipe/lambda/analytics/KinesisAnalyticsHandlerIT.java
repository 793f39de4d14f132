package io.rtpipe.lambda.analytics;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.events.TimeWindowEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.TimeWindow;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.dynamodb.ResultsTable;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.aggregation.PackedRecord;
import io.rtpipe.producer.aggregation.RecordAggregator;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The handler on the sandbox (the emulators by default), invoked the way Lambda's event source mapping would: real
 * records put into the stream (a quarter of the events KPL-aggregated by rtpipe's producer) and read back per shard,
 * delivered in batches of 100 within two tumbling windows per shard, one batch delivered twice (a retry after a lost response). Results in DynamoDB and the archive in S3 are compared with what
 * the test itself put.
 */
@ExtendWith(SandboxExtension.class)
class KinesisAnalyticsHandlerIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final List<String> TYPES = List.of("click", "view", "purchase", "signup");
    private static final int EVENTS = 1200;
    private static final int BATCH = 100;

    @Test
    void batchesOfRealRecordsOverTwoWindowsPerShardGiveExactResultsAndAnExactlyOnceArchive(LocalAws aws)
            throws Exception {
        String stream = unique("lambda");
        String bucket = unique("lambda");
        String table = unique("lambda-results");
        aws.createStream(stream, 2);
        aws.createBucket(bucket);
        var clients = aws.clients();
        try (var dynamoDb = clients.dynamoDb(); var s3 = clients.s3(); var kinesis = clients.kinesisAsync()) {
            ResultsTable.createIfMissing(dynamoDb, table);

            // 4 minutes of events in time order, so none is late on any shard; the ground truth is counted here.
            var random = new Random(5);
            Map<String, Long> expected = new TreeMap<>();
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                Instant ts = T0.plusMillis(i * 200L);
                String type = TYPES.get(random.nextInt(TYPES.size()));
                payloads.add(("{\"type\":\"" + type + "\",\"ts\":" + ts.toEpochMilli() + ",\"n\":" + i + "}")
                        .getBytes(StandardCharsets.UTF_8));
                expected.merge(ts.truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + " " + type, 1L, Long::sum);
            }
            // The first 900 events one per Kinesis record, the last 300 packed by rtpipe's producer (KPL format).
            List<String> put = put(kinesis, stream, payloads.subList(0, 900));
            put.addAll(putAggregated(kinesis, stream, payloads.subList(900, payloads.size())));

            var settings = new AnalyticsSettings(table, bucket, null, AnalyticsSettings.DEFAULT_MAX_STATE_BYTES,
                    AnalyticsSettings.DEFAULT_RESULT_RETENTION, "us-east-1", null);
            var handler = new KinesisAnalyticsHandler(settings, clients, EngineConfig.defaults(),
                    new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200)));
            String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
            int invocations = 0;
            for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).join().shards()) {
                List<Record> records = readShard(kinesis, stream, shard.shardId());
                // Two Lambda windows per shard: the first half of its batches, then the rest.
                List<List<Record>> batches = new ArrayList<>();
                for (int from = 0; from < records.size(); from += BATCH) {
                    batches.add(records.subList(from, Math.min(from + BATCH, records.size())));
                }
                int half = batches.size() / 2;
                for (List<List<Record>> window : List.of(batches.subList(0, half), batches.subList(half, batches.size()))) {
                    Map<String, String> state = Map.of();
                    for (int b = 0; b < window.size(); b++) {
                        KinesisTimeWindowEvent event = event(arn, shard.shardId(), window.get(b), state, false);
                        TimeWindowEventResponse response = handler.handleRequest(event, null);
                        invocations++;
                        assertThat(response.getBatchItemFailures()).isEmpty();
                        if (b == 0) {
                            // Lambda did not get the response: it delivers the batch again with the same state.
                            TimeWindowEventResponse again = handler.handleRequest(event, null);
                            invocations++;
                            assertThat(again.getState()).isEqualTo(response.getState());
                        }
                        state = response.getState();
                    }
                    TimeWindowEventResponse last = handler.handleRequest(
                            event(arn, shard.shardId(), List.of(), state, true), null);
                    invocations++;
                    assertThat(last.getState()).isEmpty();
                }
            }
            System.out.printf("%d user records in %d invocations%n", put.size(), invocations);

            Map<String, Long> actual = new TreeMap<>();
            new ResultsQuery(dynamoDb, s3, table).merged(EngineConfig.defaults(), MetricSpec.EVENTS_PER_MINUTE,
                    T0.minusSeconds(3600), T0.plusSeconds(3600), Map.of()).forEach(r -> actual.put(
                    r.windowStart() + " " + r.key().get("type"), ((Number) r.values().get("count")).longValue()));
            assertThat(actual).isEqualTo(expected);

            var archive = new IntervalReader(s3, bucket);
            assertThat(archive.lines(IntervalKind.RAW, stream))
                    .map(line -> line.shardId() + "/" + line.sequenceNumber() + "/" + line.subSequenceNumber())
                    .containsExactlyInAnyOrderElementsOf(put);
            assertThat(archive.lines(IntervalKind.DEADLETTER, stream)).isEmpty();
            assertThat(archive.lines(IntervalKind.LATE, stream)).isEmpty();
        }
    }

    /** PutRecords in order; returns "shardId/sequenceNumber" of each record. */
    private static List<String> put(KinesisAsyncClient kinesis, String stream, List<byte[]> payloads) {
        List<String> positions = new ArrayList<>();
        for (int from = 0; from < payloads.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(from + 500, payloads.size()); i++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + (i % 16))
                        .data(SdkBytes.fromByteArray(payloads.get(i))).build());
            }
            for (PutRecordsResultEntry result : kinesis.putRecords(b -> b.streamName(stream).records(entries)).join()
                    .records()) {
                assertThat(result.errorCode()).as("kinesis-mock enforces no limits").isNull();
                positions.add(result.shardId() + "/" + result.sequenceNumber() + "/0");
            }
        }
        return positions;
    }

    /** Packs the payloads with the producer's KPL-format aggregator and puts the aggregates; returns member positions. */
    private static List<String> putAggregated(KinesisAsyncClient kinesis, String stream, List<byte[]> payloads) {
        var aggregator = new RecordAggregator<Integer>(
                AggregationConfig.builder().maxRecordBytes(8 * 1024).hashBuckets(32).build());
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            aggregator.add("agg-" + (i % 16), payloads.get(i), i, 0L, packed::add);
        }
        aggregator.drainAll(packed::add);
        List<String> positions = new ArrayList<>();
        for (PackedRecord<Integer> record : packed) {
            var result = kinesis.putRecord(b -> b.streamName(stream).partitionKey(record.partitionKey())
                    .data(SdkBytes.fromByteArray(record.data()))).join();
            for (int member = 0; member < record.members().size(); member++) {
                positions.add(result.shardId() + "/" + result.sequenceNumber() + "/" + member);
            }
        }
        assertThat(packed.size()).as("several events per Kinesis record").isLessThan(payloads.size() / 4);
        return positions;
    }

    private static List<Record> readShard(KinesisAsyncClient kinesis, String stream, String shardId) {
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
        List<Record> records = new ArrayList<>();
        while (true) {
            String current = iterator;
            var response = kinesis.getRecords(b -> b.shardIterator(current)).join();
            records.addAll(response.records());
            if (response.records().isEmpty() && response.millisBehindLatest() == 0) {
                return records;
            }
            iterator = response.nextShardIterator();
        }
    }

    /** The event Lambda's mapping would send for these records (the fields the runtime would deserialize). */
    private static KinesisTimeWindowEvent event(String arn, String shardId, List<Record> records,
                                                Map<String, String> state, boolean isFinal) {
        List<KinesisEvent.KinesisEventRecord> eventRecords = new ArrayList<>();
        for (Record record : records) {
            var kinesis = new KinesisEvent.Record();
            kinesis.setKinesisSchemaVersion("1.0");
            kinesis.setSequenceNumber(record.sequenceNumber());
            kinesis.setPartitionKey(record.partitionKey());
            kinesis.setData(record.data().asByteBuffer());
            kinesis.setApproximateArrivalTimestamp(Date.from(record.approximateArrivalTimestamp()));
            var eventRecord = new KinesisEvent.KinesisEventRecord();
            eventRecord.setKinesis(kinesis);
            eventRecord.setEventSource("aws:kinesis");
            eventRecord.setEventID(shardId + ":" + record.sequenceNumber());
            eventRecord.setEventSourceARN(arn);
            eventRecords.add(eventRecord);
        }
        var event = new KinesisTimeWindowEvent();
        event.setRecords(eventRecords);
        event.setWindow(new TimeWindow("2024-05-01T12:00:00Z", "2024-05-01T12:01:00Z"));
        event.setState(state);
        event.setShardId(shardId);
        event.setEventSourceArn(arn);
        event.setIsFinalInvokeForWindow(isFinal);
        event.setIsWindowTerminatedEarly(false);
        return event;
    }
}
