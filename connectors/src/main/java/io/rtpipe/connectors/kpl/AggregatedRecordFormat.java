package io.rtpipe.connectors.kpl;

import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.InvalidProtocolBufferException;
import io.rtpipe.connectors.kpl.proto.KplMessages.AggregatedRecord;
import io.rtpipe.connectors.kpl.proto.KplMessages.Record;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Kinesis Producer Library's aggregated-record format, the one owner of it in rtpipe: the producer writes it
 * ({@link AggregateEncoder}), and everything that reads Kinesis records without KCL (the Lambda handler, the
 * {@code rtpipe local} audit, tools and tests) unpacks it with {@link #decode}. One aggregated Kinesis record is the
 * magic bytes {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord} (schema
 * {@code connectors/src/main/protobuf/kpl_aggregation.proto}), and the MD5 digest of that message.
 *
 * <p>Positions: KCL hands each member the aggregate's sequence number and its index in the aggregate as sub-sequence
 * number; {@link #decode} returns the members in that order, so index {@code i} of the list is sub-sequence number
 * {@code i}.
 */
public final class AggregatedRecordFormat {

    /** What every aggregated record starts with. */
    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    /** The MD5 digest of the message that ends every aggregated record. */
    static final int DIGEST_BYTES = 16;

    /**
     * One user record of a Kinesis record.
     *
     * @param partitionKey    the user record's own key; null when the Kinesis record was not aggregated (its own
     *                        partition key applies, see {@link #partitionKeyOr})
     * @param explicitHashKey the member's explicit hash key, or null if it has none
     * @param data            the user record's bytes
     */
    public record UserRecord(String partitionKey, String explicitHashKey, byte[] data) {
        /** This record's partition key, or {@code kinesisPartitionKey} when it travelled as a Kinesis record of its own. */
        public String partitionKeyOr(String kinesisPartitionKey) {
            return partitionKey != null ? partitionKey : kinesisPartitionKey;
        }
    }

    private AggregatedRecordFormat() {
    }

    /**
     * The user records of one Kinesis record's data, in sub-sequence order. Data that is not a well-formed aggregated
     * record (no magic, a wrong digest, a malformed message) is one user record, the data itself, as KCL treats it.
     */
    public static List<UserRecord> decode(byte[] kinesisRecordData) {
        List<UserRecord> members = members(kinesisRecordData);
        return members != null ? members : List.of(new UserRecord(null, null, kinesisRecordData));
    }

    /** @return null if {@code data} is not a well-formed aggregated record */
    private static List<UserRecord> members(byte[] data) {
        if (data.length < MAGIC.length + DIGEST_BYTES || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        int end = data.length - DIGEST_BYTES;
        MessageDigest md5 = newMd5();
        md5.update(data, MAGIC.length, end - MAGIC.length);
        if (!Arrays.equals(md5.digest(), 0, DIGEST_BYTES, data, end, data.length)) {
            return null;
        }
        AggregatedRecord message;
        try {
            message = AggregatedRecord.parseFrom(UnsafeByteOperations.unsafeWrap(data, MAGIC.length,
                    end - MAGIC.length));
        } catch (InvalidProtocolBufferException malformed) {
            return null;
        }
        List<UserRecord> members = new ArrayList<>(message.getRecordsCount());
        for (Record r : message.getRecordsList()) {
            long pk = r.getPartitionKeyIndex();
            if (pk < 0 || pk >= message.getPartitionKeyTableCount() || (r.hasExplicitHashKeyIndex()
                    && (r.getExplicitHashKeyIndex() < 0
                    || r.getExplicitHashKeyIndex() >= message.getExplicitHashKeyTableCount()))) {
                return null;
            }
            String ehk = r.hasExplicitHashKeyIndex()
                    ? message.getExplicitHashKeyTable((int) r.getExplicitHashKeyIndex()) : null;
            members.add(new UserRecord(message.getPartitionKeyTable((int) pk), ehk, r.getData().toByteArray()));
        }
        return members;
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
