package io.rtpipe.connectors.schema;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Confluent Schema Registry's {@code GET /schemas/ids/{id}} for the schemas registered here: 404 with error code
 * 40403 for an unknown id, as the registry answers.
 */
public final class FakeConfluentRegistry extends FakeRegistryServer {

    private final Map<String, String> types = new ConcurrentHashMap<>();

    /** Registers a schema under {@code id}; {@code type} is AVRO, PROTOBUF or JSON (AVRO is left out, as Confluent does). */
    public void register(int id, String type, String schema) {
        types.put(Integer.toString(id), type);
        schemas.put(Integer.toString(id), schema);
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String prefix = "/schemas/ids/";
        String id = path.startsWith(prefix) && "GET".equals(exchange.getRequestMethod())
                ? path.substring(prefix.length()) : "";
        String schema = schemas.get(id);
        if (schema == null) {
            respond(exchange, 404, "{\"error_code\": 40403, \"message\": \"Schema not found\"}");
            return;
        }
        String type = types.get(id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", schema);
        if (!type.equals("AVRO")) {
            body.put("schemaType", type);
        }
        respond(exchange, 200, JSON.writeValueAsString(body));
    }

    @Override
    String outageBody() {
        return "{\"error_code\": 50001, \"message\": \"the fake registry is in an outage\"}";
    }
}
