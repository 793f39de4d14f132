package io.rtpipe.connectors.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A schema registry on loopback for tests (JDK HttpServer): schemas registered by id, a count of lookups, and an
 * outage on command (the next n lookups fail with 503). Subclasses speak one registry's protocol.
 */
public abstract class FakeRegistryServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    final Map<String, String> schemas = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    FakeRegistryServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on loopback", e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                lookups.incrementAndGet();
                if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    respond(exchange, 503, outageBody());
                } else {
                    handle(exchange);
                }
            }
        });
        server.start();
    }

    /** The base URL, e.g. http://127.0.0.1:41234. */
    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** Lookups answered so far, failed ones included. */
    public int lookups() {
        return lookups.get();
    }

    /** The next {@code n} lookups fail with 503, as a registry in an outage does. */
    public void failNext(int n) {
        failuresLeft.set(n);
    }

    abstract void handle(HttpExchange exchange) throws IOException;

    abstract String outageBody();

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
