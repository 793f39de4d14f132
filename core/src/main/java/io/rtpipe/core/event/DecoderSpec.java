package io.rtpipe.core.event;

import com.google.protobuf.Descriptors;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which decoder turns record payloads into events, chosen per spec file (top-level {@code decoder:} key, see
 * docs/metrics.md). Immutable. {@link #json()} is the default.
 */
public sealed interface DecoderSpec {

    /**
     * A decoder extracting {@code selection} (one instance per shard engine: decoders are not thread-safe).
     *
     * @param registry where writer schemas named by framed records are looked up; {@link SchemaRegistry#NONE} when
     *                 the spec reads none ({@link #readsRegistry()})
     * @throws IllegalArgumentException when this decoder reads a registry and {@code registry} is NONE
     */
    EventDecoder create(FieldSelection selection, SchemaRegistry registry);

    /** Whether records name their writer schema in a registry, which the caller must then pass to {@link #create}. */
    default boolean readsRegistry() {
        return false;
    }

    /** The binary format records are in (Avro, Protobuf), or null for a text decoder (one line per record). */
    default String binaryFormat() {
        return null;
    }

    /** One JSON object per record (JSON lines). */
    static DecoderSpec json() {
        return Json.INSTANCE;
    }

    /** One JSON object per record. */
    enum Json implements DecoderSpec {
        INSTANCE;

        @Override
        public EventDecoder create(FieldSelection selection, SchemaRegistry registry) {
            return new JsonEventDecoder(selection);
        }

        @Override
        public String toString() {
            return "json";
        }
    }

    /**
     * One CSV line per record.
     *
     * @param header    the column names, in order (distinct, non-empty)
     * @param delimiter the separator, ',' by default
     */
    record Csv(List<String> header, char delimiter) implements DecoderSpec {
        public Csv {
            header = List.copyOf(header);
            if (header.isEmpty() || header.stream().anyMatch(String::isEmpty)
                    || header.stream().distinct().count() != header.size()) {
                throw new IllegalArgumentException("a CSV header needs distinct non-empty column names, got " + header);
            }
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
                throw new IllegalArgumentException("a CSV delimiter cannot be a quote or line break");
            }
        }

        @Override
        public EventDecoder create(FieldSelection selection, SchemaRegistry registry) {
            return new CsvEventDecoder(header, delimiter, selection);
        }
    }

    /**
     * One text line per record, matched by a pattern whose named groups are the fields.
     *
     * @param pattern a Java regular expression with at least one named group
     */
    record Regex(Pattern pattern) implements DecoderSpec {
        public Regex {
            Objects.requireNonNull(pattern, "pattern");
            if (RegexEventDecoder.groupNames(pattern).isEmpty()) {
                throw new IllegalArgumentException("a decoder pattern needs named groups such as (?<ts>\\d+)");
            }
        }

        @Override
        public EventDecoder create(FieldSelection selection, SchemaRegistry registry) {
            return new RegexEventDecoder(pattern, selection);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Regex other && other.pattern.pattern().equals(pattern.pattern())
                    && other.pattern.flags() == pattern.flags();
        }

        @Override
        public int hashCode() {
            return pattern.pattern().hashCode();
        }
    }

    /**
     * One Avro binary-encoded record per Kinesis record.
     *
     * @param framing     what precedes the body
     * @param schema      the writer schema (Avro schema JSON); null: the one the record's framing names, from the
     *                    registry (Glue through the AWS configuration, Confluent at {@code registryUrl})
     * @param registryUrl the Confluent Schema Registry's base URL: exactly when framing is confluent without a schema
     */
    record Avro(Framing framing, String schema, URI registryUrl) implements DecoderSpec {
        public Avro {
            Objects.requireNonNull(framing, "framing");
            if (schema == null && framing == Framing.PLAIN) {
                throw new IllegalArgumentException("plain Avro records name no schema, so the spec must give one");
            }
            if ((registryUrl != null) != (schema == null && framing == Framing.CONFLUENT)) {
                throw new IllegalArgumentException("a registry URL is needed exactly for Confluent-framed Avro "
                        + "without a schema");
            }
            if (schema != null) {
                AvroBodyReader.parse(schema);
            }
        }

        @Override
        public boolean readsRegistry() {
            return schema == null;
        }

        @Override
        public String binaryFormat() {
            return "Avro";
        }

        @Override
        public EventDecoder create(FieldSelection selection, SchemaRegistry registry) {
            if (schema != null) {
                AvroBodyReader fixed = new AvroBodyReader(AvroBodyReader.parse(schema),
                        MaterializedFields.roots(selection));
                return new BinaryEventDecoder(framing, id -> fixed, selection);
            }
            if (registry == SchemaRegistry.NONE) {
                throw new IllegalArgumentException("the " + framing.specName() + "-framed Avro decoder reads writer "
                        + "schemas from a registry, and none was given");
            }
            Set<String> roots = MaterializedFields.roots(selection);
            return new BinaryEventDecoder(framing, id -> registryReader(registry, id, roots), selection);
        }

        private static AvroBodyReader registryReader(SchemaRegistry registry, SchemaId id, Set<String> roots) {
            String text;
            try {
                text = registry.schema(id);
            } catch (SchemaRegistry.UnknownSchemaException e) {
                throw new BadRecordException("the record's writer schema cannot be had: " + e.getMessage());
            }
            try {
                return new AvroBodyReader(AvroBodyReader.parse(text), roots);
            } catch (IllegalArgumentException e) {
                throw new BadRecordException("the registry's " + id + " is " + e.getMessage());
            }
        }
    }

    /**
     * One Protobuf message per Kinesis record, of a type from a descriptor set.
     *
     * @param framing        what precedes the message (and its message index, for confluent and glue)
     * @param descriptorFile the descriptor set's file, as the spec names it (for messages and {@code SpecWriter})
     * @param message        the message type, built from the set
     */
    record Protobuf(Framing framing, String descriptorFile, Descriptors.Descriptor message) implements DecoderSpec {
        public Protobuf {
            Objects.requireNonNull(framing, "framing");
            Objects.requireNonNull(descriptorFile, "descriptorFile");
            Objects.requireNonNull(message, "message");
        }

        /**
         * @param descriptorSet the file's bytes ({@code protoc --include_imports --descriptor_set_out})
         * @throws IllegalArgumentException with one sentence when the set is unreadable or lacks the message
         */
        public static Protobuf of(Framing framing, String descriptorFile, byte[] descriptorSet, String message) {
            return new Protobuf(framing, descriptorFile, ProtobufDescriptors.message(descriptorSet, message));
        }

        @Override
        public String binaryFormat() {
            return "Protobuf";
        }

        @Override
        public EventDecoder create(FieldSelection selection, SchemaRegistry registry) {
            ProtobufBodyReader reader = new ProtobufBodyReader(message, framing, MaterializedFields.roots(selection));
            return new BinaryEventDecoder(framing, id -> reader, selection);
        }

        /** Descriptors compare by identity: the same file and message name is the same decoder. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Protobuf other && other.framing == framing
                    && other.descriptorFile.equals(descriptorFile)
                    && other.message.getFullName().equals(message.getFullName());
        }

        @Override
        public int hashCode() {
            return Objects.hash(framing, descriptorFile, message.getFullName());
        }
    }
}
