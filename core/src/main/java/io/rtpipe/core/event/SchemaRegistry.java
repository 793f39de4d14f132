package io.rtpipe.core.event;

/**
 * Where a decoder finds the writer schema a framed record names (the port; the Glue and Confluent clients live in
 * connectors). Implementations must be thread-safe: the shards' decoders share one.
 * <p>
 * Contract, because it decides between a dead letter and a stalled shard: {@link #schema} returns only the registry's
 * answer. A registry that is unreachable or failing is retried inside the call until it answers, so an outage delays
 * records and never dead-letters good ones; an id the registry says it does not have is an
 * {@link UnknownSchemaException}, and that record becomes a dead letter.
 */
public interface SchemaRegistry {

    /** For configurations that read no schema from a registry: every lookup is a programming error. */
    SchemaRegistry NONE = id -> {
        throw new IllegalStateException("no schema registry is configured, so " + id + " cannot be looked up");
    };

    /**
     * The schema registered under {@code id}: Avro schema JSON.
     *
     * @throws UnknownSchemaException when the registry has no such schema
     */
    String schema(SchemaId id);

    /** The registry has no schema under the id a record names. */
    final class UnknownSchemaException extends RuntimeException {
        public UnknownSchemaException(SchemaId id, String detail) {
            super(id + " is not in the registry (" + detail + ")");
        }
    }
}
