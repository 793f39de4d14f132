package io.rtpipe.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.event.EventDecoder;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.event.Framing;
import io.rtpipe.core.event.SchemaRegistry;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.record.InputRecord;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The same benchmark events as {@link JsonDecodeBenchmark} (8 fields, the 4 the distinct + p99 spec reads extracted),
 * encoded as JSON, Avro (plain, and in Glue Schema Registry framing with the schema from the spec) and Protobuf:
 * what a binary format costs or saves per decode.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BinaryDecodeBenchmark {
    private static final String[] FIELDS = {"event_id", "ts", "type", "page", "user_id", "amount", "currency",
            "agent"};
    private static final String AVRO_SCHEMA = "{\"type\": \"record\", \"name\": \"Event\", \"fields\": ["
            + "{\"name\": \"event_id\", \"type\": \"string\"}, {\"name\": \"ts\", \"type\": \"long\"}, "
            + "{\"name\": \"type\", \"type\": \"string\"}, {\"name\": \"page\", \"type\": \"string\"}, "
            + "{\"name\": \"user_id\", \"type\": \"string\"}, {\"name\": \"amount\", \"type\": \"double\"}, "
            + "{\"name\": \"currency\", \"type\": \"string\"}, {\"name\": \"agent\", \"type\": \"string\"}]}";

    @Param({"json", "avro", "avro_glue", "protobuf"})
    public String format;

    private List<byte[]> records;
    private EventDecoder decoder;
    private EventFields fields;
    private int next;

    @Setup
    public void setUp() throws IOException {
        FieldSelection selection = new FieldSelection.Builder().path(FieldPath.parse("ts"))
                .path(FieldPath.parse("page")).path(FieldPath.parse("amount")).path(FieldPath.parse("user_id"))
                .build();
        fields = new EventFields(selection);
        List<InputRecord> lines = BenchLines.records(10_000);
        records = new ArrayList<>(lines.size());
        ObjectMapper json = new ObjectMapper();
        Schema schema = new Schema.Parser().parse(AVRO_SCHEMA);
        Descriptors.Descriptor message = protobufEvent();
        UUID version = UUID.randomUUID();
        for (InputRecord line : lines) {
            JsonNode event = json.readTree(line.data());
            records.add(switch (format) {
                case "json" -> line.data();
                case "avro" -> avro(schema, event);
                case "avro_glue" -> glue(version, avro(schema, event));
                default -> protobuf(message, event);
            });
        }
        decoder = switch (format) {
            case "json" -> DecoderSpec.json().create(selection, SchemaRegistry.NONE);
            case "avro" -> new DecoderSpec.Avro(Framing.PLAIN, AVRO_SCHEMA, null).create(selection,
                    SchemaRegistry.NONE);
            case "avro_glue" -> new DecoderSpec.Avro(Framing.GLUE, AVRO_SCHEMA, null).create(selection,
                    SchemaRegistry.NONE);
            default -> new DecoderSpec.Protobuf(Framing.PLAIN, "bench.desc", message).create(selection,
                    SchemaRegistry.NONE);
        };
        if (decoder.decode(records.get(0), fields) != null) {
            throw new IllegalStateException(format + ": " + decoder.decode(records.get(0), fields));
        }
    }

    /** Returns the decode result (null = decoded) so the work cannot be eliminated. */
    @Benchmark
    public String decode() {
        byte[] record = records.get(next);
        next = next + 1 == records.size() ? 0 : next + 1;
        return decoder.decode(record, fields);
    }

    private static byte[] avro(Schema schema, JsonNode event) throws IOException {
        GenericRecord record = new GenericData.Record(schema);
        for (String field : FIELDS) {
            JsonNode value = event.get(field);
            record.put(field, field.equals("ts") ? value.asLong() : field.equals("amount") ? value.asDouble()
                    : value.asText());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] glue(UUID version, byte[] body) {
        return ByteBuffer.allocate(18 + body.length).put((byte) 3).put((byte) 0)
                .putLong(version.getMostSignificantBits()).putLong(version.getLeastSignificantBits()).put(body)
                .array();
    }

    private static Descriptors.Descriptor protobufEvent() {
        DescriptorProto.Builder event = DescriptorProto.newBuilder().setName("Event");
        for (int i = 0; i < FIELDS.length; i++) {
            FieldDescriptorProto.Type type = FIELDS[i].equals("ts") ? FieldDescriptorProto.Type.TYPE_INT64
                    : FIELDS[i].equals("amount") ? FieldDescriptorProto.Type.TYPE_DOUBLE
                    : FieldDescriptorProto.Type.TYPE_STRING;
            event.addField(FieldDescriptorProto.newBuilder().setName(FIELDS[i]).setNumber(i + 1).setType(type));
        }
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("bench.proto").setPackage("bench")
                .setSyntax("proto3").addMessageType(event).build();
        try {
            return Descriptors.FileDescriptor.buildFrom(FileDescriptorSet.newBuilder().addFile(file).build()
                    .getFile(0), new Descriptors.FileDescriptor[0]).findMessageTypeByName("Event");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] protobuf(Descriptors.Descriptor message, JsonNode event) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(message);
        for (String field : FIELDS) {
            JsonNode value = event.get(field);
            builder.setField(message.findFieldByName(field), field.equals("ts") ? value.asLong()
                    : field.equals("amount") ? value.asDouble() : value.asText());
        }
        return builder.build().toByteArray();
    }
}
