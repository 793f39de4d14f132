package io.rtpipe.connectors.kpl;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.rtpipe.connectors.kpl.proto.KplMessages.AggregatedRecord;
import io.rtpipe.connectors.kpl.proto.KplMessages.Record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Writes one aggregated record of the {@link AggregatedRecordFormat} whose members all carry one explicit hash key:
 * each added user record is encoded straight into reused buffers with protobuf's {@link CodedOutputStream}, field
 * numbers taken from the protoc-generated classes, so adding a record creates no message objects. The bytes equal
 * what the generated {@code AggregatedRecord} builder would serialize (tested). Reusable after {@link #complete()};
 * not thread-safe.
 */
public final class AggregateEncoder {

    /** Every record refers to entry 0 of the explicit hash key table: the aggregate has exactly one hash key. */
    private static final int EHK_INDEX = 0;
    private static final int EHK_INDEX_FIELD_BYTES =
            CodedOutputStream.computeUInt64Size(Record.EXPLICIT_HASH_KEY_INDEX_FIELD_NUMBER, EHK_INDEX);
    private static final int RECORDS_TAG_BYTES = CodedOutputStream.computeTagSize(AggregatedRecord.RECORDS_FIELD_NUMBER);

    private final String explicitHashKey;
    private final int ehkTableBytes;
    private final MessageDigest md5 = AggregatedRecordFormat.newMd5();

    private final KeyIndex partitionKeyIndex = new KeyIndex();
    private final Buffer partitionKeyTable = new Buffer();
    private final Buffer records = new Buffer();
    private int count;

    /** @param explicitHashKey the explicit hash key (a decimal 128-bit number) of every member */
    public AggregateEncoder(String explicitHashKey) {
        this.explicitHashKey = explicitHashKey;
        this.ehkTableBytes = CodedOutputStream.computeStringSize(
                AggregatedRecord.EXPLICIT_HASH_KEY_TABLE_FIELD_NUMBER, explicitHashKey);
    }

    /** The largest data a record with this partition key can have in an aggregate of its own of at most {@code maxBytes}. */
    public int maxDataBytes(String partitionKey, int maxBytes) {
        int fixed = AggregatedRecordFormat.MAGIC.length + AggregatedRecordFormat.DIGEST_BYTES + ehkTableBytes
                + CodedOutputStream.computeStringSize(AggregatedRecord.PARTITION_KEY_TABLE_FIELD_NUMBER, partitionKey)
                + RECORDS_TAG_BYTES + 3 /* record length */ + recordBodySize(0, 0) + 2 /* data length */;
        return maxBytes - fixed;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** User records added since the last {@link #complete()}. */
    public int count() {
        return count;
    }

    /**
     * Adds a user record if the encoded aggregate (magic, message, digest) stays within {@code maxBytes} with it.
     *
     * @return false, adding nothing, if it would not fit
     */
    public boolean tryAdd(String partitionKey, byte[] data, int maxBytes) {
        int slot = partitionKeyIndex.slotOf(partitionKey);
        int known = partitionKeyIndex.indexAt(slot);
        int pkIndex = known >= 0 ? known : partitionKeyIndex.size();
        int pkEntryBytes = known >= 0 ? 0 : CodedOutputStream.computeStringSize(
                AggregatedRecord.PARTITION_KEY_TABLE_FIELD_NUMBER, partitionKey);
        int bodyBytes = recordBodySize(pkIndex, data.length);
        int recordFieldBytes = RECORDS_TAG_BYTES
                + CodedOutputStream.computeUInt32SizeNoTag(bodyBytes) + bodyBytes;
        if (framedSize(partitionKeyTable.length + pkEntryBytes, records.length + recordFieldBytes) > maxBytes) {
            return false;
        }
        try {
            if (known < 0) {
                partitionKeyIndex.insertAt(slot, partitionKey);
                partitionKeyTable.ensureRoom(pkEntryBytes)
                        .writeString(AggregatedRecord.PARTITION_KEY_TABLE_FIELD_NUMBER, partitionKey);
                partitionKeyTable.length += pkEntryBytes;
            }
            CodedOutputStream out = records.ensureRoom(recordFieldBytes);
            out.writeTag(AggregatedRecord.RECORDS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(bodyBytes);
            out.writeUInt64(Record.PARTITION_KEY_INDEX_FIELD_NUMBER, pkIndex);
            out.writeUInt64(Record.EXPLICIT_HASH_KEY_INDEX_FIELD_NUMBER, EHK_INDEX);
            out.writeByteArray(Record.DATA_FIELD_NUMBER, data);
            records.length += recordFieldBytes;
        } catch (IOException e) {
            throw new UncheckedIOException("Encoding into a sized array cannot fail; the size accounting is wrong.", e);
        }
        count++;
        return true;
    }

    /** The aggregated record of everything added since the last call; then starts a new, empty one. */
    public byte[] complete() {
        byte[] out = assemble();
        partitionKeyIndex.clear();
        partitionKeyTable.reset();
        records.reset();
        count = 0;
        return out;
    }

    private byte[] assemble() {
        byte[] magic = AggregatedRecordFormat.MAGIC;
        int messageBytes = partitionKeyTable.length + ehkTableBytes + records.length;
        byte[] out = new byte[magic.length + messageBytes + AggregatedRecordFormat.DIGEST_BYTES];
        System.arraycopy(magic, 0, out, 0, magic.length);
        int pos = magic.length;
        System.arraycopy(partitionKeyTable.bytes, 0, out, pos, partitionKeyTable.length);
        pos += partitionKeyTable.length;
        try {
            CodedOutputStream ehk = CodedOutputStream.newInstance(out, pos, ehkTableBytes);
            ehk.writeString(AggregatedRecord.EXPLICIT_HASH_KEY_TABLE_FIELD_NUMBER, explicitHashKey);
            ehk.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("Encoding into a sized array cannot fail; the size accounting is wrong.", e);
        }
        pos += ehkTableBytes;
        System.arraycopy(records.bytes, 0, out, pos, records.length);
        pos += records.length;
        md5.reset();
        md5.update(out, magic.length, messageBytes);
        byte[] digest = md5.digest();
        System.arraycopy(digest, 0, out, pos, AggregatedRecordFormat.DIGEST_BYTES);
        return out;
    }

    private int framedSize(int pkTableBytes, int recordsBytes) {
        return AggregatedRecordFormat.MAGIC.length + pkTableBytes + ehkTableBytes + recordsBytes
                + AggregatedRecordFormat.DIGEST_BYTES;
    }

    private static int recordBodySize(int pkIndex, int dataBytes) {
        return CodedOutputStream.computeUInt64Size(Record.PARTITION_KEY_INDEX_FIELD_NUMBER, pkIndex)
                + EHK_INDEX_FIELD_BYTES
                + CodedOutputStream.computeTagSize(Record.DATA_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(dataBytes) + dataBytes;
    }

    /**
     * Partition key to its index in the key table (indices in insertion order): open addressing with linear probing.
     * A slot's hash and index sit side by side in one int array, so a probe reads one cache line and touches a key
     * only when the hashes match; a key costs no allocation.
     */
    private static final class KeyIndex {
        /** Slot i: {@code [2i]} the key's hash, {@code [2i + 1]} its index + 1 (0: empty slot). */
        private int[] slots = new int[2 * 64];
        private String[] keys = new String[64];
        private int size;

        int size() {
            return size;
        }

        /** The slot holding {@code key}, or the empty slot where it would go. */
        int slotOf(String key) {
            int hash = key.hashCode();
            int mask = keys.length - 1;
            int i = mix(hash) & mask;
            while (slots[2 * i + 1] != 0 && (slots[2 * i] != hash || !keys[i].equals(key))) {
                i = (i + 1) & mask;
            }
            return i;
        }

        /** The index of the key in {@code slot}, or -1 if the slot is empty. */
        int indexAt(int slot) {
            return slots[2 * slot + 1] - 1;
        }

        /** Adds a key absent so far at the slot {@link #slotOf} gave; its index is the previous size. */
        void insertAt(int slot, String key) {
            if (2 * (size + 1) > keys.length) {
                grow();
                slot = slotOf(key);
            }
            keys[slot] = key;
            slots[2 * slot] = key.hashCode();
            slots[2 * slot + 1] = ++size;
        }

        void clear() {
            if (size > 0) {
                Arrays.fill(slots, 0);
                Arrays.fill(keys, null);
                size = 0;
            }
        }

        private void grow() {
            int[] oldSlots = slots;
            String[] oldKeys = keys;
            keys = new String[oldKeys.length * 2];
            slots = new int[2 * keys.length];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldSlots[2 * j + 1] != 0) {
                    int i = mix(oldSlots[2 * j]) & mask;
                    while (slots[2 * i + 1] != 0) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    slots[2 * i] = oldSlots[2 * j];
                    slots[2 * i + 1] = oldSlots[2 * j + 1];
                }
            }
        }

        /** Spreads the high bits of String hashes (similar keys differ in their last characters) over the mask. */
        private static int mix(int hash) {
            int h = hash * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }

    /** A growable byte array with a protobuf encoder positioned at its end. */
    private static final class Buffer {
        byte[] bytes = new byte[0];
        int length;
        private CodedOutputStream out;

        CodedOutputStream ensureRoom(int more) {
            if (out == null || bytes.length - length < more) {
                if (bytes.length - length < more) {
                    bytes = Arrays.copyOf(bytes, Math.max(length + more, Math.max(4096, bytes.length * 2)));
                }
                out = CodedOutputStream.newInstance(bytes, length, bytes.length - length);
            }
            return out;
        }

        void reset() {
            length = 0;
            out = null;
        }
    }
}
