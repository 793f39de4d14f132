package io.rtpipe.core.event;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Protobuf message of a fixed type, parsed as a {@link DynamicMessage} and given as CEL-ready values: messages
 * and map fields become maps (keys as text), repeated fields lists, every integer type a 64-bit integer (a uint64
 * beyond it an integer too large for 64 bits), float and double a double, enums their value's name, bytes base64
 * text. A field without presence (a proto3 scalar that is not {@code optional}) holds its default when unset, as
 * Protobuf defines; a field with presence (a message, an {@code optional} or oneof member) that is unset is missing.
 * <p>
 * Only the top-level fields the spec reads are converted (the parse itself reads them all).
 * <p>
 * The framing's message index (Confluent: a zigzag-varint count and indexes, 0 meaning the first message; Glue: one
 * varint) is skipped: the spec names the message type.
 */
final class ProtobufBodyReader implements BinaryEventDecoder.BodyReader {
    private final Descriptors.Descriptor type;
    private final Framing framing;
    /** The top-level fields converted. */
    private final List<Descriptors.FieldDescriptor> roots;

    /** @param roots the top-level fields to read, null for all */
    ProtobufBodyReader(Descriptors.Descriptor type, Framing framing, Set<String> roots) {
        this.type = type;
        this.framing = framing;
        this.roots = type.getFields().stream().filter(f -> roots == null || roots.contains(f.getName())).toList();
    }

    @Override
    public Map<String, Object> read(byte[] data, int offset, int length) {
        CodedInputStream input = CodedInputStream.newInstance(data, offset, length);
        try {
            skipMessageIndexes(input);
            return messageMap(DynamicMessage.parseFrom(type, input), roots);
        } catch (IOException e) { // InvalidProtocolBufferException: truncated, bad tag or wire type
            throw new BadRecordException("not valid Protobuf of message " + type.getFullName() + ": "
                    + e.getMessage());
        }
    }

    private void skipMessageIndexes(CodedInputStream input) throws IOException {
        if (framing == Framing.CONFLUENT) {
            int count = input.readSInt32();
            if (count < 0 || count > input.getBytesUntilLimit()) {
                throw new BadRecordException("not a Confluent Protobuf record: message index count " + count);
            }
            for (int i = 0; i < count; i++) {
                input.readSInt32();
            }
        } else if (framing == Framing.GLUE) {
            input.readUInt32();
        }
    }

    private static Map<String, Object> messageMap(Message message, List<Descriptors.FieldDescriptor> fields) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Descriptors.FieldDescriptor field : fields) {
            if (field.isMapField()) {
                // A map field is a repeated entry message of key = 1, value = 2.
                Descriptors.FieldDescriptor key = field.getMessageType().findFieldByNumber(1);
                Descriptors.FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
                Map<String, Object> entries = new LinkedHashMap<>();
                for (Object entry : (List<?>) message.getField(field)) {
                    Message pair = (Message) entry;
                    entries.put(String.valueOf(scalar(key, pair.getField(key))), scalar(value, pair.getField(value)));
                }
                map.put(field.getName(), entries);
            } else if (field.isRepeated()) {
                List<?> items = (List<?>) message.getField(field);
                List<Object> list = new ArrayList<>(items.size());
                items.forEach(item -> list.add(scalar(field, item)));
                map.put(field.getName(), list);
            } else if (!field.hasPresence() || message.hasField(field)) {
                map.put(field.getName(), scalar(field, message.getField(field)));
            }
        }
        return map;
    }

    /** One value of {@code field} (an element, for a repeated field). */
    private static Object scalar(Descriptors.FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case INT -> field.getType() == Descriptors.FieldDescriptor.Type.UINT32
                    || field.getType() == Descriptors.FieldDescriptor.Type.FIXED32
                    ? Integer.toUnsignedLong((Integer) value) : (Object) ((Integer) value).longValue();
            case LONG -> {
                long v = (Long) value;
                boolean unsigned = field.getType() == Descriptors.FieldDescriptor.Type.UINT64
                        || field.getType() == Descriptors.FieldDescriptor.Type.FIXED64;
                yield unsigned && v < 0 ? new BigInteger(Long.toUnsignedString(v)) : (Object) v;
            }
            case FLOAT -> ((Float) value).doubleValue();
            case DOUBLE, BOOLEAN, STRING -> value;
            case BYTE_STRING -> MaterializedFields.bytesText(((ByteString) value).toByteArray());
            case ENUM -> ((Descriptors.EnumValueDescriptor) value).getName();
            case MESSAGE -> messageMap((Message) value, ((Message) value).getDescriptorForType().getFields());
        };
    }
}
