package io.rtpipe.core.event;

import java.util.Objects;

/**
 * The writer schema a framed record names: a Confluent schema id (decimal) or a Glue schema version id (UUID).
 *
 * @param registry the framing that carried it ({@link Framing#CONFLUENT} or {@link Framing#GLUE})
 * @param id       the id as text
 */
public record SchemaId(Framing registry, String id) {
    public SchemaId {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(id, "id");
        if (registry == Framing.PLAIN) {
            throw new IllegalArgumentException("a plain record names no schema");
        }
    }

    @Override
    public String toString() {
        return (registry == Framing.GLUE ? "Glue schema version " : "Confluent schema id ") + id;
    }
}
