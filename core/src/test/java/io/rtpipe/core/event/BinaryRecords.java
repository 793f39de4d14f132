package io.rtpipe.core.event;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.Deflater;

/**
 * Test records written the way producers write them, independently of the decoders: Avro with Avro's own writer,
 * Protobuf field by field with {@link CodedOutputStream}, the framings byte by byte from their specifications.
 */
public final class BinaryRecords {
    public static final String ORDER_SCHEMA = """
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "status", "type": "int"},
              {"name": "amount", "type": "float"},
              {"name": "user", "type": {"type": "record", "name": "User", "fields": [
                {"name": "id", "type": "string"},
                {"name": "country", "type": ["null", "string"], "default": null}]}},
              {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["WEB", "APP"]}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "attrs", "type": {"type": "map", "values": "long"}},
              {"name": "digest", "type": "bytes"}]}
            """;
    public static final Schema ORDER = new Schema.Parser().parse(ORDER_SCHEMA);

    private BinaryRecords() {
    }

    /** An Order in Avro binary encoding. */
    public static byte[] avroOrder(long ts, int status, float amount, String userId, String country, String kind,
                                   List<String> tags, Map<String, Long> attrs, byte[] digest) {
        GenericRecord user = new GenericData.Record(ORDER.getField("user").schema());
        user.put("id", userId);
        user.put("country", country);
        GenericRecord order = new GenericData.Record(ORDER);
        order.put("ts", ts);
        order.put("status", status);
        order.put("amount", amount);
        order.put("user", user);
        order.put("kind", new GenericData.EnumSymbol(ORDER.getField("kind").schema(), kind));
        order.put("tags", tags);
        order.put("attrs", attrs);
        order.put("digest", ByteBuffer.wrap(digest));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(ORDER).write(order, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Confluent framing: magic 0, the id big-endian, then the body. */
    public static byte[] confluent(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    /** Glue Schema Registry framing: version 3, compression (0 or 5 with a zlib body), the UUID, the body. */
    public static byte[] glue(UUID schemaVersion, boolean zlib, byte[] body) {
        byte[] payload = body;
        if (zlib) {
            Deflater deflater = new Deflater();
            deflater.setInput(body);
            deflater.finish();
            byte[] buffer = new byte[body.length + 64];
            int n = deflater.deflate(buffer);
            deflater.end();
            payload = java.util.Arrays.copyOf(buffer, n);
        }
        return ByteBuffer.allocate(18 + payload.length).put((byte) 3).put((byte) (zlib ? 5 : 0))
                .putLong(schemaVersion.getMostSignificantBits()).putLong(schemaVersion.getLeastSignificantBits())
                .put(payload).array();
    }

    /**
     * The descriptor set of {@code shop.proto} (proto3, package shop): message {@code Order} {int64 ts = 1;
     * uint32 status = 2; double amount = 3; User user = 4; Kind kind = 5; repeated string tags = 6;
     * map<string, int64> attrs = 7; bytes digest = 8; optional string coupon = 9; uint64 big = 10}, message
     * {@code User} {string id = 1; string country = 2}, enum {@code Kind} {WEB = 0; APP = 1}.
     */
    public static byte[] shopDescriptorSet() {
        DescriptorProto user = DescriptorProto.newBuilder().setName("User")
                .addField(field("id", 1, FieldDescriptorProto.Type.TYPE_STRING))
                .addField(field("country", 2, FieldDescriptorProto.Type.TYPE_STRING)).build();
        DescriptorProto attrsEntry = DescriptorProto.newBuilder().setName("AttrsEntry")
                .addField(field("key", 1, FieldDescriptorProto.Type.TYPE_STRING))
                .addField(field("value", 2, FieldDescriptorProto.Type.TYPE_INT64))
                .setOptions(MessageOptions.newBuilder().setMapEntry(true)).build();
        DescriptorProto order = DescriptorProto.newBuilder().setName("Order")
                .addField(field("ts", 1, FieldDescriptorProto.Type.TYPE_INT64))
                .addField(field("status", 2, FieldDescriptorProto.Type.TYPE_UINT32))
                .addField(field("amount", 3, FieldDescriptorProto.Type.TYPE_DOUBLE))
                .addField(field("user", 4, FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(".shop.User"))
                .addField(field("kind", 5, FieldDescriptorProto.Type.TYPE_ENUM).setTypeName(".shop.Kind"))
                .addField(field("tags", 6, FieldDescriptorProto.Type.TYPE_STRING)
                        .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED))
                .addField(field("attrs", 7, FieldDescriptorProto.Type.TYPE_MESSAGE)
                        .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setTypeName(".shop.Order.AttrsEntry"))
                .addField(field("digest", 8, FieldDescriptorProto.Type.TYPE_BYTES))
                .addField(field("coupon", 9, FieldDescriptorProto.Type.TYPE_STRING).setProto3Optional(true)
                        .setOneofIndex(0))
                .addField(field("big", 10, FieldDescriptorProto.Type.TYPE_UINT64))
                .addOneofDecl(com.google.protobuf.DescriptorProtos.OneofDescriptorProto.newBuilder()
                        .setName("_coupon"))
                .addNestedType(attrsEntry).build();
        EnumDescriptorProto kind = EnumDescriptorProto.newBuilder().setName("Kind")
                .addValue(EnumValueDescriptorProto.newBuilder().setName("WEB").setNumber(0))
                .addValue(EnumValueDescriptorProto.newBuilder().setName("APP").setNumber(1)).build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("shop.proto").setPackage("shop")
                .setSyntax("proto3").addMessageType(order).addMessageType(user).addEnumType(kind).build();
        return FileDescriptorSet.newBuilder().addFile(file).build().toByteArray();
    }

    private static FieldDescriptorProto.Builder field(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL).setJsonName(name);
    }

    /** A shop.Order on the wire; a null or zero value is not written (proto3 leaves defaults out). */
    public static byte[] protobufOrder(long ts, int status, double amount, String userId, String country, int kind,
                                       List<String> tags, Map<String, Long> attrs, String coupon, long big) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            if (ts != 0) {
                out.writeInt64(1, ts);
            }
            if (status != 0) {
                out.writeUInt32(2, status);
            }
            if (amount != 0) {
                out.writeDouble(3, amount);
            }
            if (userId != null) {
                ByteArrayOutputStream userBytes = new ByteArrayOutputStream();
                CodedOutputStream userOut = CodedOutputStream.newInstance(userBytes);
                userOut.writeString(1, userId);
                if (country != null) {
                    userOut.writeString(2, country);
                }
                userOut.flush();
                out.writeByteArray(4, userBytes.toByteArray());
            }
            if (kind != 0) {
                out.writeEnum(5, kind);
            }
            for (String tag : tags) {
                out.writeString(6, tag);
            }
            for (Map.Entry<String, Long> attr : attrs.entrySet()) {
                ByteArrayOutputStream entryBytes = new ByteArrayOutputStream();
                CodedOutputStream entryOut = CodedOutputStream.newInstance(entryBytes);
                entryOut.writeString(1, attr.getKey());
                entryOut.writeInt64(2, attr.getValue());
                entryOut.flush();
                out.writeByteArray(7, entryBytes.toByteArray());
            }
            out.writeByteArray(8, new byte[] {1, 2, 3});
            if (coupon != null) {
                out.writeString(9, coupon);
            }
            if (big != 0) {
                out.writeUInt64(10, big);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** {@code prefix} then {@code body}. */
    public static byte[] concat(byte[] prefix, byte[] body) {
        return ByteBuffer.allocate(prefix.length + body.length).put(prefix).put(body).array();
    }
}
