package io.rtpipe.lambda.analytics;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.events.models.TimeWindow;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * What a Kinesis event source mapping hands the analytics handler, built from records read off a stream: the
 * handler's own ITs and the deployed-stack tests (deploy-test) invoke it with the same events.
 */
public final class MappingEvents {
    private MappingEvents() {
    }

    /** Every record of one shard from the trim horizon to the tip. */
    public static List<Record> readShard(KinesisAsyncClient kinesis, String stream, String shardId) {
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

    /**
     * The event for one invocation: the fields the runtime deserializes. {@code window} null is a mapping without a
     * tumbling window (no window, state or final flag is sent).
     */
    public static KinesisTimeWindowEvent event(String arn, String shardId, List<Record> records, TimeWindow window,
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
        event.setEventSourceArn(arn);
        if (window != null) {
            event.setWindow(window);
            event.setState(state);
            event.setShardId(shardId);
            event.setIsFinalInvokeForWindow(isFinal);
            event.setIsWindowTerminatedEarly(false);
        }
        return event;
    }
}
