package io.rtpipe.lambda.analytics;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * The user records in one Kinesis record as Lambda delivers it. Lambda does not de-aggregate, so a record in the KPL
 * aggregated format (magic {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord}, its MD5), which rtpipe's
 * producer writes, is unpacked here the way KCL does it for the consumer: each member keeps the aggregate's sequence
 * number and gets its index as sub-sequence number, so positions, archive lines and results match the consumer's.
 * Anything else, including a record that only looks aggregated (bad digest, malformed message), is one user record.
 */
final class UserRecords {

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int DIGEST_BYTES = 16;

    private UserRecords() {
    }

    static List<InputRecord> of(KinesisEvent.KinesisEventRecord eventRecord) {
        KinesisEvent.Record record = eventRecord.getKinesis();
        ByteBuffer data = record.getData().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        Date arrival = record.getApproximateArrivalTimestamp();
        long arrivalMillis = arrival == null ? 0L : arrival.getTime();
        List<InputRecord> members = aggregateMembers(record.getSequenceNumber(), arrivalMillis, bytes);
        return members != null ? members : List.of(new InputRecord(RecordPosition.of(record.getSequenceNumber()),
                record.getPartitionKey(), arrivalMillis, bytes));
    }

    /** @return null when {@code bytes} is not a well-formed aggregated record */
    private static List<InputRecord> aggregateMembers(String sequence, long arrivalMillis, byte[] bytes) {
        if (bytes.length < MAGIC.length + DIGEST_BYTES
                || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        int end = bytes.length - DIGEST_BYTES;
        if (!Arrays.equals(md5(bytes, MAGIC.length, end), 0, DIGEST_BYTES, bytes, end, bytes.length)) {
            return null;
        }
        try {
            var message = new ProtoReader(bytes, MAGIC.length, end);
            List<String> partitionKeys = new ArrayList<>();
            List<long[]> memberSpans = new ArrayList<>(); // {partition key index, data offset, data length}
            while (message.hasMore()) {
                int tag = (int) message.varint();
                switch (tag) {
                    case (1 << 3) | 2 -> partitionKeys.add(message.string());
                    case (3 << 3) | 2 -> memberSpans.add(member(message.embedded()));
                    default -> message.skip(tag & 7);
                }
            }
            List<InputRecord> members = new ArrayList<>(memberSpans.size());
            for (int i = 0; i < memberSpans.size(); i++) {
                long[] span = memberSpans.get(i);
                if (span[0] < 0 || span[0] >= partitionKeys.size() || span[1] < 0) {
                    return null;
                }
                members.add(new InputRecord(new RecordPosition(sequence, i), partitionKeys.get((int) span[0]),
                        arrivalMillis, Arrays.copyOfRange(bytes, (int) span[1], (int) (span[1] + span[2]))));
            }
            return members;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return null;
        }
    }

    private static long[] member(ProtoReader record) {
        long partitionKeyIndex = -1;
        long dataOffset = -1;
        long dataLength = 0;
        while (record.hasMore()) {
            int tag = (int) record.varint();
            switch (tag) {
                case (1 << 3) -> partitionKeyIndex = record.varint();
                case (3 << 3) | 2 -> {
                    dataLength = record.varint();
                    dataOffset = record.position();
                    record.advance(dataLength);
                }
                default -> record.skip(tag & 7);
            }
        }
        return new long[] {partitionKeyIndex, dataOffset, dataLength};
    }

    private static byte[] md5(byte[] bytes, int from, int to) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(bytes, from, to - from);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    /** Just enough of the protobuf wire format: varints, length-delimited fields, skipping the rest. */
    private static final class ProtoReader {
        private final byte[] bytes;
        private final int end;
        private int pos;

        ProtoReader(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.pos = from;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        int position() {
            return pos;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IndexOutOfBoundsException("truncated varint");
                }
                byte b = bytes[pos++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes");
        }

        void advance(long length) {
            if (length < 0 || length > end - pos) {
                throw new IndexOutOfBoundsException("field runs past the message");
            }
            pos += (int) length;
        }

        String string() {
            int length = (int) varint();
            int from = pos;
            advance(length);
            return new String(bytes, from, length, StandardCharsets.UTF_8);
        }

        ProtoReader embedded() {
            int length = (int) varint();
            int from = pos;
            advance(length);
            return new ProtoReader(bytes, from, from + length);
        }

        void skip(int wireType) {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> advance(varint());
                case 5 -> advance(4);
                default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
            }
        }
    }
}
