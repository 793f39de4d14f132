package io.rtpipe.connectors.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.event.SchemaId;
import io.rtpipe.core.event.SchemaRegistry.UnknownSchemaException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Confluent Schema Registry (and compatible ones: Redpanda, Apicurio's ccompat API): {@code GET
 * {url}/schemas/ids/{id}}, answered {@code {"schema": "...", "schemaType": "AVRO"}} (no schemaType: Avro). A 404 is
 * "no such schema"; every other failure is retried by the caller.
 */
final class ConfluentSchemaFetcher implements SchemaFetcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http;

    ConfluentSchemaFetcher(URI base) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    @Override
    public String fetch(SchemaId id) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("schemas/ids/" + id.id())).timeout(TIMEOUT)
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("GET " + request.uri() + " was interrupted", e);
        }
        if (response.statusCode() == 404) {
            throw new UnknownSchemaException(id, "GET " + request.uri() + " answered 404");
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + request.uri() + " answered " + response.statusCode() + ": "
                    + abbreviated(response.body()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + request.uri() + " answered 200 with no JSON: "
                    + abbreviated(response.body()));
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new UnknownSchemaException(id, "it is a " + type + " schema, not Avro");
        }
        if (!body.path("schema").isTextual()) {
            throw new IllegalStateException("GET " + request.uri() + " answered 200 without a schema: "
                    + abbreviated(response.body()));
        }
        return body.path("schema").asText();
    }

    private static String abbreviated(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
