package io.rtpipe.lambda.analytics;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.aggregation.PackedRecord;
import io.rtpipe.producer.aggregation.RecordAggregator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Records packed by rtpipe's producer (KPL format) come out of Lambda's event as the user records that went in. */
class UserRecordsTest {

    private static KinesisEvent.KinesisEventRecord kinesisRecord(String sequence, String partitionKey, byte[] data) {
        var kinesis = new KinesisEvent.Record();
        kinesis.setSequenceNumber(sequence);
        kinesis.setPartitionKey(partitionKey);
        kinesis.setData(ByteBuffer.wrap(data));
        kinesis.setApproximateArrivalTimestamp(new Date(1714564800123L));
        var record = new KinesisEvent.KinesisEventRecord();
        record.setKinesis(kinesis);
        return record;
    }

    @Test
    void aggregatedRecordsAreUnpackedWithTheirIndexAsSubSequenceNumber() {
        var aggregator = new RecordAggregator<Integer>(AggregationConfig.builder().hashBuckets(1).build());
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String event = "{\"type\":\"click\",\"ts\":" + (1714564800000L + i) + ",\"n\":" + i + "}";
            sent.add("pk-" + (i % 7) + " " + event);
            aggregator.add("pk-" + (i % 7), event.getBytes(StandardCharsets.UTF_8), i, 0L, packed::add);
        }
        aggregator.drainAll(packed::add);

        List<InputRecord> unpacked = new ArrayList<>();
        for (int k = 0; k < packed.size(); k++) {
            List<InputRecord> members = UserRecords.of(kinesisRecord("100" + k, packed.get(k).partitionKey(),
                    packed.get(k).data()));
            assertThat(members).hasSize(packed.get(k).members().size());
            for (int i = 0; i < members.size(); i++) {
                assertThat(members.get(i).position()).isEqualTo(new RecordPosition("100" + k, i));
                assertThat(members.get(i).arrivalMillis()).isEqualTo(1714564800123L);
            }
            unpacked.addAll(members);
        }
        assertThat(unpacked).map(r -> r.partitionKey() + " " + new String(r.data(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(sent);
    }

    @Test
    void plainRecordsAndRecordsThatOnlyLookAggregatedPassThroughWhole() {
        byte[] json = "{\"type\":\"view\",\"ts\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(UserRecords.of(kinesisRecord("7", "pk", json))).singleElement()
                .satisfies(r -> assertThat(r.data()).isEqualTo(json))
                .satisfies(r -> assertThat(r.position()).isEqualTo(RecordPosition.of("7")));

        var aggregator = new RecordAggregator<Integer>(AggregationConfig.builder().hashBuckets(1).build());
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        aggregator.add("pk", json, 0, 0L, packed::add);
        aggregator.add("pk", json, 1, 0L, packed::add);
        aggregator.drainAll(packed::add);
        byte[] corrupted = packed.get(0).data().clone();
        corrupted[corrupted.length - 1] ^= 1; // the digest no longer matches
        assertThat(UserRecords.of(kinesisRecord("8", "pk", corrupted))).singleElement()
                .satisfies(r -> assertThat(r.data()).isEqualTo(corrupted));
    }
}
