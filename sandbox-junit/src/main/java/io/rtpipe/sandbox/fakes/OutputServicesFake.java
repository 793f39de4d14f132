package io.rtpipe.sandbox.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rtpipe.connectors.aws.AwsConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback fake of the four output services no emulator covers: SNS Publish (query protocol), Firehose
 * PutRecordBatch and EventBridge PutEvents (JSON 1.1) and Lambda Invoke (REST JSON), each with just the fields
 * rtpipe's outputs send and read. It keeps what it accepted and can refuse on command: {@link #failNext} makes the
 * next entries fail as the service reports a partial failure (an entry error, a Lambda function error, an SNS 500).
 * SNS FIFO topics (ARN ending {@code .fifo}) deduplicate by MessageDeduplicationId as SNS does within its 5-minute
 * interval (here: for the fake's life), so {@link #delivered} holds what subscribers would get and
 * {@link #received} every accepted call. Thread-safe; {@link #close()} stops the server.
 */
public final class OutputServicesFake implements AutoCloseable {

    /** The services this fake stands in for. */
    public enum Service { SNS, FIREHOSE, EVENTBRIDGE, LAMBDA }

    /**
     * One accepted entry.
     *
     * @param target the topic ARN, delivery stream, bus or function
     * @param body   the message, record data, event detail, or one record of a Lambda payload's {@code records}
     * @param id     SNS: the {@code rtpipe_id} message attribute; others: null
     */
    public record Received(Service service, String target, String body, String id) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final List<Received> delivered = new ArrayList<>();
    private final Set<String> fifoDeduplicationIds = new HashSet<>();
    private final Map<Service, AtomicInteger> failures = new ConcurrentHashMap<>();

    private OutputServicesFake(HttpServer server) {
        this.server = server;
    }

    /** Starts the fake on a free loopback port. */
    public static OutputServicesFake start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            OutputServicesFake fake = new OutputServicesFake(server);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the output services fake", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** A config for the four services, all sent to this fake, with static test credentials. */
    public AwsConfig awsConfig(String region) {
        return AwsConfig.builder().region(region).credentials(new AwsConfig.StaticKeys("test", "test"))
                .services(EnumSet.of(AwsConfig.Service.SNS, AwsConfig.Service.FIREHOSE, AwsConfig.Service.EVENTBRIDGE,
                        AwsConfig.Service.LAMBDA))
                .snsEndpoint(endpoint()).firehoseEndpoint(endpoint()).eventBridgeEndpoint(endpoint())
                .lambdaEndpoint(endpoint()).build();
    }

    /** The next {@code entries} entries (Lambda: invocations; SNS: publishes) sent to {@code service} fail. */
    public void failNext(Service service, int entries) {
        failures.computeIfAbsent(service, s -> new AtomicInteger()).addAndGet(entries);
    }

    /** Every entry accepted, in arrival order (SNS FIFO copies included). */
    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** What subscribers get: {@link #received()} less the SNS FIFO copies dropped by deduplication id. */
    public synchronized List<Received> delivered() {
        return List.copyOf(delivered);
    }

    private boolean failsNow(Service service) {
        AtomicInteger left = failures.get(service);
        return left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private synchronized void accept(Received entry, String fifoDeduplicationId) {
        received.add(entry);
        if (fifoDeduplicationId == null || fifoDeduplicationIds.add(fifoDeduplicationId)) {
            delivered.add(entry);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/2015-03-31/functions/")) {
                lambda(exchange, URLDecoder.decode(path.split("/")[3], StandardCharsets.UTF_8), body);
            } else if ("Firehose_20150804.PutRecordBatch".equals(target)) {
                firehose(exchange, JSON.readTree(body));
            } else if ("AWSEvents.PutEvents".equals(target)) {
                eventBridge(exchange, JSON.readTree(body));
            } else if (body.contains("Action=Publish")) {
                sns(exchange, form(body));
            } else {
                respond(exchange, 400, "text/plain", "the output services fake does not know this call: " + target
                        + " " + path);
            }
        }
    }

    private void firehose(HttpExchange exchange, JsonNode request) throws IOException {
        String stream = request.path("DeliveryStreamName").asText();
        ArrayNode results = JSON.createArrayNode();
        int failed = 0;
        for (JsonNode record : request.path("Records")) {
            if (failsNow(Service.FIREHOSE)) {
                failed++;
                results.addObject().put("ErrorCode", "ServiceUnavailableException").put("ErrorMessage", "injected");
            } else {
                accept(new Received(Service.FIREHOSE, stream, new String(Base64.getDecoder()
                        .decode(record.path("Data").asText()), StandardCharsets.UTF_8), null), null);
                results.addObject().put("RecordId", UUID.randomUUID().toString());
            }
        }
        ObjectNode response = JSON.createObjectNode().put("FailedPutCount", failed).put("Encrypted", false);
        response.set("RequestResponses", results);
        respond(exchange, 200, "application/x-amz-json-1.1", JSON.writeValueAsString(response));
    }

    private void eventBridge(HttpExchange exchange, JsonNode request) throws IOException {
        ArrayNode results = JSON.createArrayNode();
        int failed = 0;
        for (JsonNode entry : request.path("Entries")) {
            if (failsNow(Service.EVENTBRIDGE)) {
                failed++;
                results.addObject().put("ErrorCode", "InternalFailure").put("ErrorMessage", "injected");
            } else {
                accept(new Received(Service.EVENTBRIDGE, entry.path("EventBusName").asText(),
                        entry.path("Detail").asText(), null), null);
                results.addObject().put("EventId", UUID.randomUUID().toString());
            }
        }
        ObjectNode response = JSON.createObjectNode().put("FailedEntryCount", failed);
        response.set("Entries", results);
        respond(exchange, 200, "application/x-amz-json-1.1", JSON.writeValueAsString(response));
    }

    private void lambda(HttpExchange exchange, String function, String payload) throws IOException {
        if (failsNow(Service.LAMBDA)) {
            exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            respond(exchange, 200, "application/json", "{\"errorMessage\":\"injected\"}");
            return;
        }
        for (JsonNode record : JSON.readTree(payload).path("records")) {
            accept(new Received(Service.LAMBDA, function, JSON.writeValueAsString(record), null), null);
        }
        respond(exchange, 200, "application/json", "null");
    }

    private void sns(HttpExchange exchange, Map<String, String> form) throws IOException {
        if (failsNow(Service.SNS)) {
            respond(exchange, 500, "text/xml", "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code>"
                    + "<Message>injected</Message></Error><RequestId>fake</RequestId></ErrorResponse>");
            return;
        }
        String id = null;
        for (int i = 1; form.containsKey("MessageAttributes.entry." + i + ".Name"); i++) {
            if ("rtpipe_id".equals(form.get("MessageAttributes.entry." + i + ".Name"))) {
                id = form.get("MessageAttributes.entry." + i + ".Value.StringValue");
            }
        }
        String topic = form.get("TopicArn");
        String deduplicationId = topic.endsWith(".fifo") ? form.get("MessageDeduplicationId") : null;
        if (topic.endsWith(".fifo") && (deduplicationId == null || form.get("MessageGroupId") == null)) {
            respond(exchange, 400, "text/xml", "<ErrorResponse><Error><Type>Sender</Type>"
                    + "<Code>InvalidParameter</Code><Message>a FIFO topic needs MessageGroupId and "
                    + "MessageDeduplicationId</Message></Error><RequestId>fake</RequestId></ErrorResponse>");
            return;
        }
        accept(new Received(Service.SNS, topic, form.get("Message"), id), deduplicationId);
        respond(exchange, 200, "text/xml", "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<PublishResult><MessageId>" + UUID.randomUUID() + "</MessageId></PublishResult>"
                + "<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></PublishResponse>");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
