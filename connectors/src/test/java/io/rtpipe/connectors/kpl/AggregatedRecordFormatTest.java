package io.rtpipe.connectors.kpl;

import com.google.protobuf.ByteString;
import io.rtpipe.connectors.kpl.proto.KplMessages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link AggregateEncoder} writes, {@link AggregatedRecordFormat#decode} reads back, and only that. */
class AggregatedRecordFormatTest {

    private static final String HASH_KEY = "170141183460469231731687303715884105728";

    @Test
    void decodesEveryMemberInOrderWithItsOwnPartitionKey() {
        AggregateEncoder encoder = new AggregateEncoder(HASH_KEY);
        List<String> keys = new ArrayList<>();
        List<String> data = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String key = "user-" + (i % 13);
            String event = "{\"event_id\":\"e" + i + "\",\"n\":" + i + "}";
            assertThat(encoder.tryAdd(key, event.getBytes(StandardCharsets.UTF_8), 1 << 20)).isTrue();
            keys.add(key);
            data.add(event);
        }
        assertThat(encoder.count()).isEqualTo(500);
        List<AggregatedRecordFormat.UserRecord> members = AggregatedRecordFormat.decode(encoder.complete());

        assertThat(members).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(members.get(i).partitionKey()).isEqualTo(keys.get(i));
            assertThat(members.get(i).explicitHashKey()).isEqualTo(HASH_KEY);
            assertThat(new String(members.get(i).data(), StandardCharsets.UTF_8)).isEqualTo(data.get(i));
        }
        assertThat(encoder.isEmpty()).as("complete() starts a new aggregate").isTrue();
    }

    @Test
    void decodesWhatTheGeneratedSchemaWrites() throws Exception {
        KplMessages.AggregatedRecord message = KplMessages.AggregatedRecord.newBuilder()
                .addPartitionKeyTable("a").addPartitionKeyTable("b")
                .addRecords(KplMessages.Record.newBuilder().setPartitionKeyIndex(1).setData(ByteString.copyFromUtf8("x")))
                .addRecords(KplMessages.Record.newBuilder().setPartitionKeyIndex(0).setData(ByteString.copyFromUtf8("y")))
                .build();
        List<AggregatedRecordFormat.UserRecord> members = AggregatedRecordFormat.decode(frame(message.toByteArray()));

        assertThat(members).extracting(AggregatedRecordFormat.UserRecord::partitionKey).containsExactly("b", "a");
        assertThat(members).extracting(m -> new String(m.data(), StandardCharsets.UTF_8)).containsExactly("x", "y");
        assertThat(members).extracting(AggregatedRecordFormat.UserRecord::explicitHashKey).containsOnlyNulls();
    }

    @Test
    void dataNotInTheFormatIsOneUserRecordUnderTheKinesisRecordsKey() {
        byte[] json = "{\"type\":\"click\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(AggregatedRecordFormat.decode(json)).singleElement().satisfies(r -> {
            assertThat(r.data()).isEqualTo(json);
            assertThat(r.partitionKeyOr("kinesis-key")).isEqualTo("kinesis-key");
        });
    }

    @Test
    void aRecordThatOnlyLooksAggregatedIsKeptWhole() throws Exception {
        AggregateEncoder encoder = new AggregateEncoder(HASH_KEY);
        encoder.tryAdd("k", "payload".getBytes(StandardCharsets.UTF_8), 1 << 20);
        byte[] corrupted = encoder.complete();
        corrupted[corrupted.length - 1] ^= 1; // wrong digest
        assertThat(AggregatedRecordFormat.decode(corrupted)).singleElement()
                .satisfies(r -> assertThat(r.data()).isEqualTo(corrupted));

        // right digest over a message whose record points past the key table
        KplMessages.AggregatedRecord dangling = KplMessages.AggregatedRecord.newBuilder().addPartitionKeyTable("a")
                .addRecords(KplMessages.Record.newBuilder().setPartitionKeyIndex(5).setData(ByteString.EMPTY)).build();
        byte[] framed = frame(dangling.toByteArray());
        assertThat(AggregatedRecordFormat.decode(framed)).singleElement()
                .satisfies(r -> assertThat(r.data()).isEqualTo(framed));
    }

    @Test
    void tryAddRefusesWhatWouldPassTheLimitAndAddsNothing() {
        AggregateEncoder encoder = new AggregateEncoder(HASH_KEY);
        byte[] kb = new byte[1000];
        int added = 0;
        while (encoder.tryAdd("k", kb, 4096)) {
            added++;
        }
        byte[] out = encoder.complete();
        assertThat(out.length).isLessThanOrEqualTo(4096);
        assertThat(AggregatedRecordFormat.decode(out)).hasSize(added);
        assertThat(encoder.maxDataBytes("k", 4096)).isPositive();
        assertThat(encoder.tryAdd("k", new byte[encoder.maxDataBytes("k", 4096)], 4096)).isTrue();
    }

    private static byte[] frame(byte[] message) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest(message);
        byte[] out = new byte[4 + message.length + 16];
        System.arraycopy(AggregatedRecordFormat.MAGIC, 0, out, 0, 4);
        System.arraycopy(message, 0, out, 4, message.length);
        System.arraycopy(digest, 0, out, 4 + message.length, 16);
        return out;
    }

}
