package io.rtpipe.core.event;

/**
 * Turns one record's payload into {@link EventFields}: the decoder SPI. Implementations extract only what their
 * {@link FieldSelection} asks for. Not thread-safe: one decoder per shard engine.
 */
public interface EventDecoder {

    /**
     * Decodes one payload into {@code into} (cleared first).
     *
     * @return null if the payload is one well-formed event, else one sentence saying why it is not (the record becomes
     *         a dead letter)
     */
    String decode(byte[] data, EventFields into);
}
