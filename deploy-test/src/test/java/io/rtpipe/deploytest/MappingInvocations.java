package io.rtpipe.deploytest;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.events.TimeWindowEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.TimeWindow;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Drives a handler the way a Kinesis event source mapping with the template's batch size and tumbling window would:
 * per shard, every record from the trim horizon in batches, the state carried from one invocation to the next, then
 * the window's final invocation without records. The whole input is one window per shard.
 */
final class MappingInvocations {

    private final int batchSize;
    private final boolean tumbling;

    MappingInvocations(int batchSize, boolean tumbling) {
        this.batchSize = batchSize;
        this.tumbling = tumbling;
    }

    /** Invokes {@code handler} over the whole stream; returns the batch item failures it reported. */
    List<String> invokeOverStream(RequestHandler<KinesisTimeWindowEvent, TimeWindowEventResponse> handler,
                                  KinesisAsyncClient kinesis, String streamArn) {
        String stream = streamArn.substring(streamArn.lastIndexOf('/') + 1);
        List<String> failures = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).join().shards()) {
            List<Record> records = read(kinesis, stream, shard.shardId());
            Map<String, String> state = Map.of();
            for (int from = 0; from < records.size(); from += batchSize) {
                var batch = records.subList(from, Math.min(from + batchSize, records.size()));
                TimeWindowEventResponse response = handler.handleRequest(
                        event(streamArn, shard.shardId(), batch, state, false), null);
                response.getBatchItemFailures().forEach(f -> failures.add(shard.shardId() + " at "
                        + f.getItemIdentifier()));
                state = response.getState();
            }
            if (tumbling) {
                handler.handleRequest(event(streamArn, shard.shardId(), List.of(), state, true), null);
            }
        }
        return failures;
    }

    private static List<Record> read(KinesisAsyncClient kinesis, String stream, String shardId) {
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

    /** The fields of the event Lambda sends that the runtime deserializes for a Kinesis time-window handler. */
    private KinesisTimeWindowEvent event(String arn, String shardId, List<Record> records, Map<String, String> state,
                                         boolean isFinal) {
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
        event.setEventSourceArn(arn);
        if (tumbling) {
            event.setWindow(new TimeWindow(KnownEvents.T0.toString(), KnownEvents.END.toString()));
            event.setState(state);
            event.setShardId(shardId);
            event.setIsFinalInvokeForWindow(isFinal);
            event.setIsWindowTerminatedEarly(false);
        }
        return event;
    }
}
