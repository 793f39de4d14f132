package io.rtpipe.connectors.schema;

import io.rtpipe.core.event.SchemaId;
import io.rtpipe.core.event.SchemaRegistry.UnknownSchemaException;

/** One registry call, no retries: {@link RetryingSchemaRegistry} adds those and the cache. */
interface SchemaFetcher {

    /**
     * The Avro schema JSON registered under {@code id}.
     *
     * @throws UnknownSchemaException when the registry answers that it has no such Avro schema (definitive)
     * @throws RuntimeException       any other failure (unreachable, throttled, failing, denied): retried
     */
    String fetch(SchemaId id);
}
