package io.rtpipe.core.event;

/**
 * Which decoder turns record payloads into events, chosen per spec file. Immutable.
 * {@link #json()} is the default.
 */
public interface DecoderSpec {

    /** A decoder extracting {@code selection} (one instance per shard engine: decoders are not thread-safe). */
    EventDecoder create(FieldSelection selection);

    /** One JSON object per record (JSON lines). */
    static DecoderSpec json() {
        return Json.INSTANCE;
    }

    /** One JSON object per record. */
    enum Json implements DecoderSpec {
        INSTANCE;

        @Override
        public EventDecoder create(FieldSelection selection) {
            return new JsonEventDecoder(selection);
        }

        @Override
        public String toString() {
            return "json";
        }
    }
}
