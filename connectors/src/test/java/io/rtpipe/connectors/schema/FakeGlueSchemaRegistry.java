package io.rtpipe.connectors.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Glue's GetSchemaVersion as the AWS SDK calls it (AWS JSON 1.1: POST /, {@code X-Amz-Target:
 * AWSGlue.GetSchemaVersion}, {@code {"SchemaVersionId": ...}}), for the schema versions registered here; an unknown
 * version is EntityNotFoundException, any other operation UnknownOperationException, as Glue answers.
 */
public final class FakeGlueSchemaRegistry extends FakeRegistryServer {

    /** Registers an Avro schema version. */
    public void register(UUID version, String avroSchema) {
        schemas.put(version.toString(), avroSchema);
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (!"AWSGlue.GetSchemaVersion".equals(target)) {
            respond(exchange, 400, error("UnknownOperationException", "operation " + target + " is not faked"));
            return;
        }
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        String id = request.path("SchemaVersionId").asText("");
        String schema = schemas.get(id);
        if (schema == null) {
            respond(exchange, 400, error("EntityNotFoundException", "Schema version is not found."));
            return;
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("SchemaVersionId", id);
        response.put("SchemaDefinition", schema);
        response.put("DataFormat", "AVRO");
        response.put("SchemaArn", "arn:aws:glue:us-east-1:000000000000:schema/registry/events");
        response.put("VersionNumber", 1);
        response.put("Status", "AVAILABLE");
        respond(exchange, 200, JSON.writeValueAsString(response));
    }

    @Override
    String outageBody() {
        return error("InternalServiceException", "the fake registry is in an outage");
    }

    private static String error(String type, String message) {
        try {
            return JSON.writeValueAsString(Map.of("__type", type, "Message", message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
