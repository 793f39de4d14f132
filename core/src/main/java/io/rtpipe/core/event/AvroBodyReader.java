package io.rtpipe.core.event;

import io.rtpipe.core.filter.EventFilter;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Avro binary-encoded datum of a writer schema, as CEL-ready values: records and maps become maps, arrays lists,
 * int and long a 64-bit integer, float and double a double, strings and enum symbols strings, bytes and fixed base64
 * text, null {@link EventFilter#JSON_NULL}; a union is its branch's value. Logical types read as their underlying
 * type (timestamp-millis is a long of epoch milliseconds, which event time takes as is). Top-level fields the spec
 * does not read are skipped by Avro's schema resolution (a reader schema of the read fields), never materialized.
 */
final class AvroBodyReader implements BinaryEventDecoder.BodyReader {
    private final Schema schema;
    private final GenericDatumReader<Object> datumReader;
    private BinaryDecoder decoder;

    /** @param roots the top-level fields to read, null for all */
    AvroBodyReader(Schema schema, Set<String> roots) {
        this.schema = schema;
        this.datumReader = new GenericDatumReader<>(schema, projection(schema, roots));
    }

    /** The writer's record with only the fields in {@code roots}, in the writer's order. */
    private static Schema projection(Schema writer, Set<String> roots) {
        if (roots == null || writer.getType() != Schema.Type.RECORD) {
            return writer;
        }
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : writer.getFields()) {
            if (roots.contains(field.name())) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        return Schema.createRecord(writer.getName(), writer.getDoc(), writer.getNamespace(), writer.isError(),
                fields);
    }

    /**
     * Parses a writer schema (Avro schema JSON).
     *
     * @throws IllegalArgumentException with the parser's reason when it is not one
     */
    static Schema parse(String json) {
        try {
            return new Schema.Parser().parse(json);
        } catch (SchemaParseException | NullPointerException e) {
            throw new IllegalArgumentException("not an Avro schema (" + e.getMessage() + ")");
        }
    }

    @Override
    public Map<String, Object> read(byte[] data, int offset, int length) {
        decoder = DecoderFactory.get().binaryDecoder(data, offset, length, decoder);
        Object datum;
        try {
            datum = datumReader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new BadRecordException("not valid Avro of schema " + schema.getFullName()
                        + ": bytes follow the record");
            }
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            // Corrupt lengths or union indexes surface as any of these; EOF when the record is cut short.
            throw new BadRecordException("not valid Avro of schema " + schema.getFullName() + ": "
                    + (e instanceof java.io.EOFException ? "the record ends early" : oneLine(e)));
        }
        if (!(datum instanceof GenericRecord record)) {
            throw new BadRecordException("not an Avro record: schema " + schema.getFullName() + " is a "
                    + schema.getType().getName());
        }
        return recordMap(record);
    }

    private static Map<String, Object> recordMap(GenericRecord record) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            map.put(field.name(), value(record.get(field.pos())));
        }
        return map;
    }

    private static Object value(Object value) {
        if (value == null) {
            return EventFilter.JSON_NULL;
        }
        if (value instanceof CharSequence || value instanceof GenericEnumSymbol<?>) {
            return value.toString();
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Long || value instanceof Double || value instanceof Boolean) {
            return value;
        }
        if (value instanceof GenericRecord record) {
            return recordMap(record);
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return MaterializedFields.bytesText(bytes);
        }
        if (value instanceof GenericFixed fixed) {
            return MaterializedFields.bytesText(fixed.bytes());
        }
        if (value instanceof Collection<?> items) {
            List<Object> list = new ArrayList<>(items.size());
            items.forEach(item -> list.add(value(item)));
            return list;
        }
        if (value instanceof Map<?, ?> entries) {
            Map<String, Object> map = new LinkedHashMap<>();
            entries.forEach((key, item) -> map.put(key.toString(), value(item)));
            return map;
        }
        throw new BadRecordException("an Avro value of unexpected class " + value.getClass().getName());
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
