package io.rtpipe.lambda.analytics;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.rtpipe.connectors.kpl.AggregatedRecordFormat;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The user records in one Kinesis record as Lambda delivers it. Lambda does not de-aggregate, so a record in the KPL
 * aggregated format, which rtpipe's producer writes, is unpacked here by the format's owner
 * ({@link AggregatedRecordFormat}) the way KCL does it for the consumer: each member keeps the aggregate's sequence
 * number and gets its index as sub-sequence number, so positions, archive lines and results match the consumer's.
 * Anything else, including a record that only looks aggregated (bad digest, malformed message), is one user record.
 */
final class UserRecords {

    private UserRecords() {
    }

    static List<InputRecord> of(KinesisEvent.KinesisEventRecord eventRecord) {
        KinesisEvent.Record record = eventRecord.getKinesis();
        ByteBuffer data = record.getData().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        Date arrival = record.getApproximateArrivalTimestamp();
        long arrivalMillis = arrival == null ? 0L : arrival.getTime();
        String sequence = record.getSequenceNumber();
        List<AggregatedRecordFormat.UserRecord> members = AggregatedRecordFormat.decode(bytes);
        List<InputRecord> records = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            AggregatedRecordFormat.UserRecord member = members.get(i);
            records.add(new InputRecord(new RecordPosition(sequence, i), member.partitionKeyOr(record.getPartitionKey()), arrivalMillis,
                    member.data()));
        }
        return records;
    }
}
