package io.rtpipe.producer.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.rtpipe.producer.BufferFullException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * An HTTP endpoint that takes events and answers only once Kinesis stored them (JDK {@link HttpServer}, no
 * dependencies). {@code POST /events} with {@code Content-Type: application/x-ndjson} (JSON lines) or
 * {@code application/json} (a JSON array of objects). Answers, each with a JSON body:
 * <ul>
 *   <li>200 {@code {"accepted":N}}: every event of the request was acknowledged by Kinesis;</li>
 *   <li>400 {@code {"error":…,"problems":[{"line":3,"reason":…}]}} ({@code "element"} for arrays): a line or element
 *       is not one JSON object or is too large; <em>nothing</em> from the request was sent;</li>
 *   <li>413: the body is larger than {@code maxBodyBytes}, or has more events than {@code maxPendingEvents};
 *       nothing sent;</li>
 *   <li>503 with {@code Retry-After}: too many events are waiting for Kinesis ({@code maxPendingEvents}), nothing
 *       sent; or the producer (fail-fast) refused an event: the body's {@code accepted} says how many events, from
 *       the first, were stored before that; the client resends the rest;</li>
 *   <li>500 {@code {"accepted":A,"failed":F,"failed_lines":[…],"error":…}} ({@code "failed_elements"} for arrays):
 *       some events failed after the producer's retries and TTL; the listed ones were not stored (the others were),
 *       so the client knows what to resend;</li>
 *   <li>405, 415 for a wrong method or content type. {@code GET /health}: 200 {@code {"status":"ok","pending":N}}.</li>
 * </ul>
 * Events are sent in request order. Accepted events are never lost silently: the answer comes only after each one's
 * outcome is known. A client that gets no answer (connection lost) may resend: delivery is at-least-once and the
 * consumers de-duplicate by event id.
 *
 * <p>Slow or stuck clients: each request (headers and body) must arrive within {@value #MAX_REQUEST_SECONDS} s, else
 * the JDK server closes its connection (the JVM-wide {@code sun.net.httpserver.maxReqTime}, set here unless the user
 * set it). At most {@code threads} requests to {@code /events} are handled at once; one more gets 503 at once, and
 * {@code GET /health} has threads of its own, so uploads can never starve it.
 *
 * <p>Beyond loopback: a bind address that is not a loopback address needs a bearer token
 * ({@code Authorization: Bearer <token>}, else 401) and TLS (an {@link SSLContext}); {@link Builder#bind} refuses
 * to listen otherwise.
 *
 * <p>{@link #bind} binds the port at once (so "port in use" is reported before anything starts); {@link #run} serves
 * until {@link #close()}, then stops accepting connections and lets requests in progress finish within
 * {@code stopGrace}.
 */
public final class HttpIngestSource implements AcknowledgingSource {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngestSource.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_PROBLEMS_LISTED = 100;
    /** How long one request may take to arrive; see the class comment. */
    static final int MAX_REQUEST_SECONDS = 30;
    private static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    /** Threads beyond the /events handlers, for /health and for refusing requests over the limit. */
    private static final int SPARE_THREADS = 4;

    static {
        // Read once, when the JDK server class loads: set it before any server is created in this JVM.
        if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_TIME_PROPERTY, Integer.toString(MAX_REQUEST_SECONDS));
        }
    }

    private final Builder config;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final Semaphore pending;
    /** Permits for requests to /events being handled, so that /health always finds a thread. */
    private final Semaphore eventHandlers;
    /** SHA-256 of "Bearer <token>", or null when no token is required. */
    private final byte[] expectedAuthorization;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final LongAdder acknowledged = new LongAdder();
    private final AtomicInteger running = new AtomicInteger();
    /** Requests to /events being handled; at stop, new ones get 503 while these finish. */
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean stopping;
    private volatile AcknowledgingSink sink;

    private HttpIngestSource(Builder config, HttpServer server) {
        this.config = config;
        this.server = server;
        this.pending = new Semaphore(config.maxPendingEvents);
        this.eventHandlers = new Semaphore(config.threads);
        this.expectedAuthorization = config.authToken == null ? null : sha256("Bearer " + config.authToken);
        AtomicInteger threadNumber = new AtomicInteger();
        // No queue: a connection beyond every thread is closed at once (the JDK server does so when the executor
        // refuses), instead of waiting behind slow uploads.
        this.handlers = new ThreadPoolExecutor(0, config.threads + SPARE_THREADS, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "rtpipe-http-ingest-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(handlers);
        server.createContext("/events", this::events);
        server.createContext("/health", this::health);
    }

    /**
     * Defaults: bind address 127.0.0.1 (loopback only; another address also needs {@link Builder#authToken} and
     * {@link Builder#tls}), no token, plain HTTP, port 0 (any free port, see {@link #address()}), body ≤ 5 MiB, events ≤ 1,000,000 bytes each,
     * at most 10,000 events waiting for Kinesis across requests, {@code Retry-After: 1}, 16 handler threads for /events (each
     * request holds one until its events are acknowledged) plus 4 for /health and refusals, 10 s to finish requests in progress at stop.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Requests to /events being handled now (at most {@code threads}). */
    int busyEventHandlers() {
        return config.threads - eventHandlers.availablePermits();
    }

    /** The address the server listens on (the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public long run(AcknowledgingSink sink) throws InterruptedException {
        if (!running.compareAndSet(0, 1)) {
            throw new IllegalStateException("an HTTP ingest source runs once");
        }
        this.sink = Objects.requireNonNull(sink, "sink");
        server.start();
        LOG.info("HTTP ingest listening on http://{}:{}/events", address().getHostString(), address().getPort());
        try {
            stop.await();
        } finally {
            shutdown();
        }
        return acknowledged.sum();
    }

    @Override
    public void close() {
        stop.countDown();
        if (running.compareAndSet(0, 2)) {
            shutdown(); // never ran: release the port now
        }
    }

    private void shutdown() {
        // Refuse new requests (503), let those in progress get their acks (up to the grace), then stop. Our own count
        // because JDK 17's HttpServer.stop(delay) waits the whole delay even when nothing is in progress.
        stopping = true;
        long deadline = System.nanoTime() + config.stopGrace.toNanos();
        try {
            while (active.get() > 0 && System.nanoTime() - deadline < 0) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(1, TimeUnit.SECONDS)) {
                LOG.warn("HTTP ingest: requests still waiting for Kinesis after {}; their clients get no answer "
                        + "and should resend", config.stopGrace);
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            handlers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, g -> g.writeStringField("error", "use GET"), "Allow", "GET");
                return;
            }
            int waiting = config.maxPendingEvents - pending.availablePermits();
            answer(exchange, 200, g -> {
                g.writeStringField("status", "ok");
                g.writeNumberField("pending", waiting);
            });
        }
    }

    private void events(HttpExchange exchange) throws IOException {
        active.incrementAndGet();
        try (exchange) {
            if (stopping) {
                answer(exchange, 503, g -> g.writeStringField("error", "the endpoint is stopping; nothing was sent"),
                        "Retry-After", Long.toString(config.retryAfter.toSeconds()), "Connection", "close");
                return;
            }
            if (!authorized(exchange)) {
                answer(exchange, 401, g -> g.writeStringField("error", "send the endpoint's token as "
                        + "'Authorization: Bearer <token>'; nothing was sent"), "WWW-Authenticate", "Bearer",
                        "Connection", "close");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, g -> g.writeStringField("error", "POST events to this path"), "Allow", "POST");
                return;
            }
            if (!eventHandlers.tryAcquire()) {
                answer(exchange, 503, g -> g.writeStringField("error", "every handler is busy with a request; nothing"
                        + " was sent, retry later"), "Retry-After", Long.toString(config.retryAfter.toSeconds()),
                        "Connection", "close");
                return;
            }
            try {
                post(exchange);
            } finally {
                eventHandlers.release();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("HTTP ingest: handling a request failed", e);
            throw e;
        } finally {
            active.decrementAndGet();
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (expectedAuthorization == null) {
            return true;
        }
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        // Constant-time comparison of digests: neither the token's length nor its prefix leaks through timing.
        return given != null && MessageDigest.isEqual(expectedAuthorization, sha256(given));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256.", e);
        }
    }

    private void post(HttpExchange exchange) throws IOException {
        boolean lines;
        String type = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (type.equals("application/x-ndjson") || type.equals("application/jsonl")) {
            lines = true;
        } else if (type.equals("application/json")) {
            lines = false;
        } else {
            answer(exchange, 415, g -> g.writeStringField("error", "send application/x-ndjson (JSON lines) or "
                    + "application/json (an array of objects), not '" + type + "'"));
            return;
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            answer(exchange, 413, g -> g.writeStringField("error", "the body is larger than "
                    + config.maxBodyBytes + " bytes; split it into smaller requests"), "Connection", "close");
            return;
        }
        JsonEvents.Parsed parsed = lines ? JsonEvents.jsonLines(body, config.maxEventBytes)
                : JsonEvents.jsonArray(body, config.maxEventBytes);
        if (!parsed.ok()) {
            refuse(exchange, parsed, lines);
            return;
        }
        send(exchange, parsed, lines);
    }

    private void refuse(HttpExchange exchange, JsonEvents.Parsed parsed, boolean lines) throws IOException {
        String unit = lines ? "line" : "element";
        answer(exchange, 400, g -> {
            if (parsed.bodyProblem() != null) {
                g.writeStringField("error", parsed.bodyProblem() + "; nothing was sent");
                return;
            }
            List<JsonEvents.Problem> problems = parsed.problems();
            g.writeStringField("error", problems.size() + " " + unit + (problems.size() == 1 ? " is" : "s are")
                    + " not a JSON object of at most " + config.maxEventBytes + " bytes; nothing was sent");
            g.writeArrayFieldStart("problems");
            for (JsonEvents.Problem problem : problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS_LISTED))) {
                g.writeStartObject();
                g.writeNumberField(unit, problem.number());
                g.writeStringField("reason", problem.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private void send(HttpExchange exchange, JsonEvents.Parsed parsed, boolean lines) throws IOException {
        List<byte[]> events = parsed.events();
        int n = events.size();
        if (n > config.maxPendingEvents) {
            answer(exchange, 413, g -> g.writeStringField("error", "the request has " + n + " events, more than the "
                    + config.maxPendingEvents + " this endpoint takes at once; split it"));
            return;
        }
        if (!pending.tryAcquire(n)) {
            answer(exchange, 503, g -> g.writeStringField("error", "too many events are waiting for Kinesis; nothing"
                    + " was sent, retry later"), "Retry-After", Long.toString(config.retryAfter.toSeconds()));
            return;
        }
        List<CompletableFuture<?>> outcomes = new ArrayList<>(n);
        String refusal = null;
        try {
            for (byte[] event : events) {
                CompletableFuture<?> outcome = sink.send(event);
                outcome.whenComplete((r, e) -> pending.release());
                outcomes.add(outcome);
            }
        } catch (BufferFullException full) {
            refusal = full.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refusal = "the endpoint is stopping";
        } catch (IllegalStateException closed) {
            refusal = "the producer is closed";
        } finally {
            pending.release(n - outcomes.size());
        }
        // Wait for every sent event: the answer must say which were stored.
        List<Integer> failed = new ArrayList<>();
        String firstError = null;
        for (int i = 0; i < outcomes.size(); i++) {
            try {
                outcomes.get(i).get();
            } catch (ExecutionException e) {
                failed.add(parsed.numbers().get(i));
                if (firstError == null) {
                    firstError = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // stopping after the grace: no answer, the client resends
            }
        }
        int stored = outcomes.size() - failed.size();
        acknowledged.add(stored);
        if (refusal != null && failed.isEmpty()) {
            String why = refusal;
            answer(exchange, 503, g -> {
                g.writeStringField("error", why + "; the first " + stored + " of " + n + " events were stored, "
                        + "resend the rest later");
                g.writeNumberField("accepted", stored);
                g.writeNumberField(lines ? "resend_from_line" : "resend_from_element", parsed.numbers().get(stored));
            }, "Retry-After", Long.toString(config.retryAfter.toSeconds()));
        } else if (!failed.isEmpty() || refusal != null) {
            String why = firstError != null ? firstError : refusal;
            List<Integer> notStored = new ArrayList<>(failed);
            notStored.addAll(parsed.numbers().subList(outcomes.size(), n));
            answer(exchange, 500, g -> {
                g.writeStringField("error", notStored.size() + " of " + n + " events were not stored (" + why
                        + "); resend the listed ones");
                g.writeNumberField("accepted", stored);
                g.writeNumberField("failed", notStored.size());
                g.writeArrayFieldStart(lines ? "failed_lines" : "failed_elements");
                for (int number : notStored) {
                    g.writeNumber(number);
                }
                g.writeEndArray();
            });
        } else {
            answer(exchange, 200, g -> g.writeNumberField("accepted", stored));
        }
    }

    /** The body, or null if it is larger than the limit (judged by Content-Length first, then by what arrives). */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > config.maxBodyBytes) {
                    return null;
                }
            } catch (NumberFormatException ignored) {
                // the server rejects a malformed length itself; read and count
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(config.maxBodyBytes + 1);
            return body.length > config.maxBodyBytes ? null : body;
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static void answer(HttpExchange exchange, int status, Body body, String... headers) throws IOException {
        ByteArrayBuilder bytes = new ByteArrayBuilder(256);
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        }
        byte[] out = bytes.toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            exchange.getResponseHeaders().set(headers[i], headers[i + 1]);
        }
        exchange.sendResponseHeaders(status, out.length);
        exchange.getResponseBody().write(out);
    }

    public static final class Builder {
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private int maxBodyBytes = 5 * 1024 * 1024;
        private int maxEventBytes = 1_000_000;
        private int maxPendingEvents = 10_000;
        private Duration retryAfter = Duration.ofSeconds(1);
        private int threads = 16;
        private Duration stopGrace = Duration.ofSeconds(10);
        private String authToken;
        private SSLContext tls;

        private Builder() {
        }

        public Builder bindAddress(InetAddress address) { this.bindAddress = Objects.requireNonNull(address); return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder maxBodyBytes(int bytes) { this.maxBodyBytes = bytes; return this; }
        public Builder maxEventBytes(int bytes) { this.maxEventBytes = bytes; return this; }
        public Builder maxPendingEvents(int events) { this.maxPendingEvents = events; return this; }
        public Builder retryAfter(Duration delay) { this.retryAfter = Objects.requireNonNull(delay); return this; }
        public Builder threads(int threads) { this.threads = threads; return this; }
        public Builder stopGrace(Duration grace) { this.stopGrace = Objects.requireNonNull(grace); return this; }
        /** Requests to /events must carry {@code Authorization: Bearer <token>}; required beyond loopback. */
        public Builder authToken(String token) { this.authToken = token; return this; }
        /** Serve HTTPS with this context; required beyond loopback. */
        public Builder tls(SSLContext context) { this.tls = context; return this; }

        /**
         * Binds the port now.
         *
         * @throws BindException (an {@link IOException}) with one sentence when the port is in use or not allowed
         */
        public HttpIngestSource bind() throws IOException {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("The HTTP port must be between 0 and 65535, was " + port + ".");
            }
            if (maxBodyBytes < 1 || maxEventBytes < 1 || maxPendingEvents < 1 || threads < 1) {
                throw new IllegalArgumentException("HTTP ingest limits and threads must be positive.");
            }
            if (authToken != null && authToken.isBlank()) {
                throw new IllegalArgumentException("The HTTP ingest token must not be empty.");
            }
            if (!bindAddress.isLoopbackAddress() && (authToken == null || tls == null)) {
                throw new IllegalArgumentException("Listening on " + bindAddress.getHostAddress() + " (beyond "
                        + "loopback) needs a token and TLS, so that no one else on the network can send events or "
                        + "read them: give both, or bind to 127.0.0.1.");
            }
            InetSocketAddress address = new InetSocketAddress(bindAddress, port);
            try {
                if (tls != null) {
                    HttpsServer https = HttpsServer.create(address, 0);
                    https.setHttpsConfigurator(new HttpsConfigurator(tls));
                    return new HttpIngestSource(this, https);
                }
                return new HttpIngestSource(this, HttpServer.create(address, 0));
            } catch (BindException e) {
                BindException clear = new BindException("Cannot listen on " + bindAddress.getHostAddress() + ":"
                        + port + " (" + e.getMessage() + "); is another program using the port?");
                clear.initCause(e);
                throw clear;
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
