package io.rtpipe.connectors.schema;

import io.rtpipe.core.event.SchemaId;
import io.rtpipe.core.event.SchemaRegistry.UnknownSchemaException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.DataFormat;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.GetSchemaVersionResponse;
import software.amazon.awssdk.services.glue.model.InvalidInputException;

/**
 * The AWS Glue Schema Registry: GetSchemaVersion by the SchemaVersionId a record's header carries (the version id is
 * global to the account and region, so no registry or schema name is needed). EntityNotFound and InvalidInput are
 * "no such schema"; a version that is not Avro is too; everything else (throttling, access denied, unreachable) is
 * retried by the caller.
 */
final class GlueSchemaFetcher implements SchemaFetcher {
    private final GlueClient glue;

    GlueSchemaFetcher(GlueClient glue) {
        this.glue = glue;
    }

    @Override
    public String fetch(SchemaId id) {
        GetSchemaVersionResponse version;
        try {
            version = glue.getSchemaVersion(b -> b.schemaVersionId(id.id()));
        } catch (EntityNotFoundException | InvalidInputException e) {
            throw new UnknownSchemaException(id, "GetSchemaVersion: " + e.awsErrorDetails().errorMessage());
        }
        if (version.dataFormat() != DataFormat.AVRO) {
            throw new UnknownSchemaException(id, "it is a " + version.dataFormatAsString() + " schema, not Avro");
        }
        return version.schemaDefinition();
    }
}
