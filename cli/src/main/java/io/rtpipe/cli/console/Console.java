package io.rtpipe.cli.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.s3.IntervalKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The web console: a static page and a JSON API over what the consumer writes, served with the JDK's HTTP server.
 *
 * <pre>
 * GET /                        the page (index.html, console.js, console.css, uPlot from the jar: works offline)
 * GET /api/overview            {@link Overview}: rates in/out/late/dead, their history, shards with lag
 * GET /api/metric?name=M[&amp;aggregate=A]   {@link MetricView}: chart series and latest windows of M
 * GET /api/records?kind=deadletter|late      the newest dead letters or late records ({@link ArchivedRecord})
 * </pre>
 * Start with {@link #start}; {@link #close} stops the server, the sampler and the clients it made.
 */
public final class Console implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.time.Duration KINESIS_CALL_TIMEOUT = java.time.Duration.ofSeconds(10);
    /** The files the page consists of, by URL path: nothing else under / is served. */
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/console.js", "console.js",
            "/console.css", "console.css",
            "/uPlot.iife.min.js", "uPlot.iife.min.js",
            "/uPlot.min.css", "uPlot.min.css");

    private final ConsoleConfig config;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledExecutorService sampling;
    private final Sampler sampler;
    private final ResultsView results;
    private final Map<String, Cached<MetricView>> metricViews = new ConcurrentHashMap<>();
    private final AutoCloseable[] clients;

    private Console(ConsoleConfig config, HttpServer server, Sampler sampler, ResultsView results,
                    AutoCloseable... clients) {
        this.config = config;
        this.server = server;
        this.sampler = sampler;
        this.results = results;
        this.clients = clients;
        this.handlers = Executors.newFixedThreadPool(4, daemon("rtpipe-console-http"));
        this.sampling = Executors.newSingleThreadScheduledExecutor(daemon("rtpipe-console-sampler"));
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
    }

    /**
     * Binds {@link ConsoleConfig#address()}, takes a first sample, then serves and samples every refresh.
     *
     * @throws IOException if the address cannot be bound (in use, not local)
     */
    public static Console start(ConsoleConfig config, AwsClients aws) throws IOException {
        HttpServer server = HttpServer.create(config.address(), 0);
        // A bounded call: an overloaded Kinesis (or emulator) must fail a sample, not stall the sampler for good.
        KinesisAsyncClient kinesis = aws.kinesisAsync(o -> o.apiCallTimeout(KINESIS_CALL_TIMEOUT));
        DynamoDbClient dynamoDb = aws.dynamoDb();
        S3Client s3 = aws.s3();
        long started = System.currentTimeMillis();
        Sampler sampler = new Sampler(config, new StreamWatch(config, kinesis, dynamoDb, started),
                new ArchiveWatch(config, s3, started), System::currentTimeMillis);
        Console console = new Console(config, server, sampler,
                new ResultsView(config, new ResultsQuery(dynamoDb, s3, config.resultsTable())), kinesis, dynamoDb, s3);
        sampler.sample();
        console.sampling.scheduleWithFixedDelay(sampler::sample, config.refresh().toMillis(),
                config.refresh().toMillis(), TimeUnit.MILLISECONDS);
        server.start();
        return console;
    }

    /** Where the page is, e.g. {@code http://127.0.0.1:8642/} (the bound port, also when 0 was asked for). */
    public URI uri() {
        var address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "text/plain", "only GET".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            switch (path) {
                case "/api/overview" -> json(exchange, 200, sampler.latest());
                case "/api/metric" -> metric(exchange, query);
                case "/api/records" -> records(exchange, query);
                default -> resource(exchange, path);
            }
        } catch (RuntimeException e) {
            LOG.warn("Console request {} failed", exchange.getRequestURI(), e);
            json(exchange, 500, Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    private void metric(HttpExchange exchange, Map<String, String> query) throws IOException {
        String name = query.get("name");
        if (name == null || config.engine().metric(name) == null) {
            json(exchange, 400, Map.of("error", "unknown metric '" + name + "'"));
            return;
        }
        String aggregate = query.get("aggregate");
        Cached<MetricView> view = metricViews.computeIfAbsent(name + "|" + aggregate,
                k -> new Cached<>(config.refresh(), () -> results.view(name, aggregate, Instant.now())));
        try {
            json(exchange, 200, view.get());
        } catch (IllegalArgumentException e) {
            json(exchange, 400, Map.of("error", e.getMessage()));
        } catch (ResourceNotFoundException e) {
            json(exchange, 200, Map.of("error", "the results table '" + config.resultsTable()
                    + "' does not exist yet"));
        }
    }

    private void records(HttpExchange exchange, Map<String, String> query) throws IOException {
        String kind = query.getOrDefault("kind", "");
        switch (kind) {
            case "deadletter" -> json(exchange, 200, sampler.recent(IntervalKind.DEADLETTER));
            case "late" -> json(exchange, 200, sampler.recent(IntervalKind.LATE));
            default -> json(exchange, 400, Map.of("error", "kind must be deadletter or late, got '" + kind + "'"));
        }
    }

    private static void resource(HttpExchange exchange, String path) throws IOException {
        String file = STATIC.get(path);
        if (file == null) {
            send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = Console.class.getResourceAsStream("/console/" + file)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("the jar lacks console/" + file));
            }
            send(exchange, 200, contentType(file), in.readAllBytes());
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        sampling.shutdownNow();
        handlers.shutdownNow();
        try {
            sampling.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                LOG.debug("Closing a console client failed", e);
            }
        }
    }
}
