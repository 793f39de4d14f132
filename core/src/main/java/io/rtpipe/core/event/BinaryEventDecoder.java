package io.rtpipe.core.event;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Decodes framed binary records (Avro, Protobuf): reads the framing's header, finds the body's reader for the
 * schema the header names (or the spec's fixed schema), materializes the event as CEL-ready values and fills the
 * selected fields from it. Every problem with a record is one sentence and a dead letter; only a registry outage
 * (retried inside {@link SchemaRegistry#schema}) delays a record. Not thread-safe, like every decoder.
 */
final class BinaryEventDecoder implements EventDecoder {
    /** Readers kept per schema id: a stream carries a few schema versions at a time, rarely more. */
    static final int READERS_CACHED = 64;

    /** Reads one record body. */
    interface BodyReader {
        /** @throws BadRecordException with one sentence when the body is not one record of this reader's schema */
        Map<String, Object> read(byte[] data, int offset, int length);
    }

    private final Framing framing;
    private final Function<SchemaId, BodyReader> readerOf;
    private final MaterializedFields fields;
    private final Map<SchemaId, BodyReader> readers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SchemaId, BodyReader> eldest) {
            return size() > READERS_CACHED;
        }
    };

    /**
     * @param readerOf the reader for a record's schema id (null for {@link Framing#PLAIN}); throws
     *                 {@link BadRecordException} when the schema cannot be had, which is not cached
     */
    BinaryEventDecoder(Framing framing, Function<SchemaId, BodyReader> readerOf, FieldSelection selection) {
        this.framing = framing;
        this.readerOf = readerOf;
        this.fields = new MaterializedFields(selection);
    }

    @Override
    public String decode(byte[] data, EventFields into) {
        into.clear();
        try {
            Framing.Framed framed = framing.read(data);
            BodyReader reader = reader(framed.schemaId());
            fields.fill(reader.read(framed.body(), framed.offset(), framed.length()), into);
            return null;
        } catch (BadRecordException e) {
            into.clear();
            return e.getMessage();
        }
    }

    private BodyReader reader(SchemaId id) {
        BodyReader reader = readers.get(id);
        if (reader == null) {
            reader = readerOf.apply(id);
            readers.put(id, reader);
        }
        return reader;
    }
}
