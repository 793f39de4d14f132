package io.rtpipe.reliability.fault;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP proxy in front of a DynamoDB endpoint that, while {@link #startFaults(double)} is on, answers a
 * share of the requests itself with the errors DynamoDB gives under trouble: HTTP 400
 * {@code ProvisionedThroughputExceededException} (throttling) and HTTP 500 {@code InternalServerError}, half each;
 * every other request is forwarded unchanged. The emulator cannot produce these errors; a worker pointed here
 * meets them in its lease renewals, checkpoints, result writes and progress writes alike.
 */
public final class DynamoDbFaultProxy implements AutoCloseable {

    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "date");
    private static final String THROTTLED = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
            + "ProvisionedThroughputExceededException\",\"message\":\"The level of configured provisioned throughput "
            + "for the table was exceeded (injected by the chaos suite).\"}";
    private static final String INTERNAL = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
            + "\"message\":\"Internal server error (injected by the chaos suite).\"}";

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
        Thread t = new Thread(runnable, "dynamodb-fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private volatile double errorRate;

    /** Starts the proxy on a free loopback port; faults are off until {@link #startFaults(double)}. */
    public DynamoDbFaultProxy(URI target, long seed) throws IOException {
        this.target = target;
        this.random = new Random(seed);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on, answer {@code errorRate} (0..1) of the requests with an injected error. */
    public void startFaults(double errorRate) {
        this.errorRate = errorRate;
    }

    public void stopFaults() {
        this.errorRate = 0;
    }

    public long injectedErrors() {
        return injected.get();
    }

    public long forwardedRequests() {
        return forwarded.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            double rate = errorRate;
            boolean inject;
            boolean throttle;
            synchronized (random) {
                inject = rate > 0 && random.nextDouble() < rate;
                throttle = random.nextBoolean();
            }
            if (inject) {
                injected.incrementAndGet();
                reply(exchange, throttle ? 400 : 500, Map.of("Content-Type",
                        List.of("application/x-amz-json-1.0")), (throttle ? THROTTLED : INTERNAL)
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                    .timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase())) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                reply(exchange, 502, Map.of(), new byte[0]);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(exchange, 502, Map.of(), new byte[0]);
                return;
            }
            forwarded.incrementAndGet();
            reply(exchange, response.statusCode(), response.headers().map(), response.body());
        }
    }

    private static void reply(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
