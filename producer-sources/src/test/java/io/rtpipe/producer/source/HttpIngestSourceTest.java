package io.rtpipe.producer.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.producer.BufferFullException;
import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.RecordFailedException;
import io.rtpipe.producer.RecordFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every documented answer of the HTTP source, against a sink whose acknowledgements the test controls. */
@Timeout(60)
class HttpIngestSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records what was sent; each event's outcome is decided by {@code outcome} (null = left pending). */
    private static final class Sink implements AcknowledgingSink {
        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        final List<CompletableFuture<Object>> futures = Collections.synchronizedList(new ArrayList<>());
        volatile Function<String, Boolean> outcome = e -> true;
        volatile int refuseAfter = Integer.MAX_VALUE;

        @Override
        public CompletableFuture<?> send(byte[] event) {
            String text = new String(event, StandardCharsets.UTF_8);
            if (sent.size() >= refuseAfter) {
                throw new BufferFullException("the producer buffer is full");
            }
            sent.add(text);
            CompletableFuture<Object> f = new CompletableFuture<>();
            futures.add(f);
            Boolean ok = outcome.apply(text);
            if (ok != null) {
                complete(f, text, ok);
            }
            return f;
        }

        static void complete(CompletableFuture<Object> f, String text, boolean ok) {
            if (ok) {
                f.complete("stored");
            } else {
                f.completeExceptionally(new RecordFailedException(new RecordFailure(text.getBytes(StandardCharsets.UTF_8),
                        "k", FailureReason.TTL_EXPIRED, "not acknowledged within the record TTL", 3)));
            }
        }
    }

    private final Sink sink = new Sink();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpIngestSource source;
    private Thread runner;

    private void start(HttpIngestSource.Builder builder) throws IOException {
        source = builder.bind();
        runner = new Thread(() -> {
            try {
                source.run(sink);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        runner.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (source != null) {
            source.close();
            runner.join(15_000);
            assertThat(runner.isAlive()).as("run() returned after close()").isFalse();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + source.address().getPort() + path);
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/events")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    @Test
    void jsonLinesAreAnsweredOnlyAfterEveryEventIsAcknowledged() throws Exception {
        sink.outcome = e -> null; // leave every event pending
        start(HttpIngestSource.builder());
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(uri("/events"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}\n\n{\"a\":2}\r\n{\"a\":3}")).build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sink.futures.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(sink.sent).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
        Sink.complete(sink.futures.get(0), "", true);
        Sink.complete(sink.futures.get(2), "", true);
        Thread.sleep(300);
        assertThat(answer).as("no answer while an event waits for Kinesis").isNotDone();
        Sink.complete(sink.futures.get(1), "", true);
        HttpResponse<String> response = answer.get(5, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(3);
    }

    @Test
    void aJsonArrayOfObjectsIsSentElementByElement() throws Exception {
        start(HttpIngestSource.builder());
        HttpResponse<String> response = post("application/json; charset=utf-8",
                "[{\"a\":1}, {\"b\":{\"c\":[1,2]}}]");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
        assertThat(sink.sent).containsExactly("{\"a\":1}", "{\"b\":{\"c\":[1,2]}}");
    }

    @Test
    void arrayElementsAreSentAsTheirOwnBytes() throws Exception {
        start(HttpIngestSource.builder());
        String first = "{\"x\":1e400, \"d\":0.12345678901234567890123}";
        String second = "{ \"s\" : \"caf\u00e9\" }";
        HttpResponse<String> response = post("application/json", "[" + first + ",\n  " + second + "]");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.sent).containsExactly(first, second);
    }

    /**
     * Sixteen clients that send headers and part of a body, then stall, hold every /events handler: /health still
     * answers, one more upload is refused with 503 at once, and each stalled connection is closed once the request
     * time bound (sun.net.httpserver.maxReqTime, 3 s in this module's tests) has passed.
     */
    @Test
    void stalledUploadsNeitherBlockHealthNorLastForever() throws Exception {
        start(HttpIngestSource.builder());
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), source.address().getPort());
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("POST /events HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{\"a\":")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                stalled.add(socket);
            }
            awaitBusyHandlers(16);

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/health"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> oneMore = http.send(HttpRequest.newBuilder(uri("/events"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(oneMore.statusCode()).isEqualTo(503);
            assertThat(json(oneMore).get("error").asText()).contains("every handler is busy");

            for (Socket socket : stalled) {
                assertThat(closedByServer(socket)).as("the server closed a stalled upload").isTrue();
            }
            assertThat(sink.sent).isEmpty();
            assertThat(post("application/x-ndjson", "{\"a\":2}").statusCode()).isEqualTo(200);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    /** Waits until {@code n} uploads are being handled (their handlers read the body), as /health cannot show it. */
    private void awaitBusyHandlers(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (source.busyEventHandlers() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(source.busyEventHandlers()).isEqualTo(n);
    }

    /** True when the server ends the connection (end of stream or reset) before the socket's read timeout. */
    private static boolean closedByServer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // an answer before the close is fine too
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void aTokenIsRequiredWhenConfigured() throws Exception {
        start(HttpIngestSource.builder().authToken("s3cret"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/events"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString("{}"));
        assertThat(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(request.copy().header("Authorization", "Bearer wrong").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(request.copy().header("Authorization", "Bearer s3cret").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(sink.sent).containsExactly("{}");
    }

    @Test
    void beyondLoopbackATokenAndTlsAreRequired() throws Exception {
        InetAddress everyInterface = InetAddress.getByName("0.0.0.0");
        String sentence = "Listening on 0.0.0.0 (beyond loopback) needs a token and TLS, so that no one else on the "
                + "network can send events or read them: give both, or bind to 127.0.0.1.";
        assertThatThrownBy(() -> HttpIngestSource.builder().bindAddress(everyInterface).bind())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(sentence);
        assertThatThrownBy(() -> HttpIngestSource.builder().bindAddress(everyInterface).authToken("t").bind())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(sentence);
        assertThatThrownBy(() -> HttpIngestSource.builder().bindAddress(everyInterface)
                .tls(SSLContext.getDefault()).bind())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(sentence);
    }

    @Test
    void servesHttpsWithTheGivenCertificate(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("ingest.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "ingest", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);

        start(HttpIngestSource.builder().tls(server).authToken("t"));
        HttpClient https = HttpClient.newBuilder().sslContext(client).build();
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + source.address().getPort() + "/events"))
                .header("Content-Type", "application/x-ndjson").header("Authorization", "Bearer t")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tls\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.sent).containsExactly("{\"tls\":true}");
    }

    @Test
    void badLinesAreNamedAndNothingIsSent() throws Exception {
        start(HttpIngestSource.builder().maxEventBytes(40));
        HttpResponse<String> response = post("application/x-ndjson",
                "{\"ok\":1}\n[1,2]\n{\"broken\":\n\n\"text\"\n{\"a\":1} {\"b\":2}\n{\"long\":\"" + "x".repeat(40) + "\"}\n");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).contains("5 lines are not a JSON object").contains("nothing was sent");
        List<Integer> lines = new ArrayList<>();
        body.get("problems").forEach(p -> lines.add(p.get("line").asInt()));
        assertThat(lines).containsExactly(2, 3, 5, 6, 7);
        assertThat(body.get("problems").get(0).get("reason").asText()).isEqualTo("an array, not a JSON object");
        assertThat(body.get("problems").get(1).get("reason").asText()).startsWith("not valid JSON");
        assertThat(body.get("problems").get(4).get("reason").asText()).contains("above the limit of 40");
        assertThat(sink.sent).isEmpty();
    }

    @Test
    void badArrayElementsAreNamedAndNothingIsSent() throws Exception {
        start(HttpIngestSource.builder());
        HttpResponse<String> response = post("application/json", "[{\"a\":1}, 7, {\"b\":2}, \"x\"]");
        assertThat(response.statusCode()).isEqualTo(400);
        List<Integer> elements = new ArrayList<>();
        json(response).get("problems").forEach(p -> elements.add(p.get("element").asInt()));
        assertThat(elements).containsExactly(2, 4);
        HttpResponse<String> notAnArray = post("application/json", "{\"a\":1}");
        assertThat(notAnArray.statusCode()).isEqualTo(400);
        assertThat(json(notAnArray).get("error").asText()).contains("not a JSON array");
        HttpResponse<String> broken = post("application/json", "[{\"a\":1},");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(json(broken).get("error").asText()).contains("not valid JSON");
        assertThat(sink.sent).isEmpty();
    }

    @Test
    void anOversizedBodyGets413() throws Exception {
        start(HttpIngestSource.builder().maxBodyBytes(100));
        HttpResponse<String> response = post("application/x-ndjson", "{\"a\":\"" + "x".repeat(200) + "\"}\n");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).get("error").asText()).contains("larger than 100 bytes");
        // Without a Content-Length (chunked), the size is judged by what arrives.
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(uri("/events"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        ("{\"a\":\"" + "x".repeat(200) + "\"}\n").getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(sink.sent).isEmpty();
    }

    @Test
    void tooManyEventsWaitingGets503WithRetryAfterAndNothingIsSent() throws Exception {
        sink.outcome = e -> null;
        start(HttpIngestSource.builder().maxPendingEvents(3).retryAfter(Duration.ofSeconds(2)));
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(HttpRequest.newBuilder(uri("/events"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}\n{\"a\":2}\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sink.futures.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        HttpResponse<String> second = post("application/x-ndjson", "{\"b\":1}\n{\"b\":2}\n");
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(sink.sent).hasSize(2);
        HttpResponse<String> tooBig = post("application/x-ndjson", "{}\n{}\n{}\n{}\n");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        sink.futures.forEach(f -> Sink.complete(f, "", true));
        assertThat(first.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        sink.outcome = e -> true;
        assertThat(post("application/x-ndjson", "{\"b\":1}\n{\"b\":2}\n").statusCode()).isEqualTo(200);
    }

    @Test
    void aFullFailFastProducerGets503NamingWhatWasStored() throws Exception {
        sink.refuseAfter = 2;
        start(HttpIngestSource.builder());
        HttpResponse<String> response = post("application/x-ndjson", "{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
        assertThat(json(response).get("resend_from_line").asInt()).isEqualTo(4);
        assertThat(sink.sent).containsExactly("{\"a\":1}", "{\"a\":2}");
    }

    @Test
    void failedEventsGet500NamingThem() throws Exception {
        sink.outcome = e -> !e.contains("\"bad\"");
        start(HttpIngestSource.builder());
        HttpResponse<String> response = post("application/x-ndjson",
                "{\"a\":1}\n{\"bad\":1}\n\n{\"a\":2}\n{\"bad\":2}\n");
        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode body = json(response);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("failed").asInt()).isEqualTo(2);
        assertThat(body.get("failed_lines").toString()).isEqualTo("[2,5]");
        assertThat(body.get("error").asText()).contains("TTL");
    }

    @Test
    void wrongMethodTypeAndPathAndHealth() throws Exception {
        start(HttpIngestSource.builder());
        assertThat(http.send(HttpRequest.newBuilder(uri("/events")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        HttpResponse<String> text = post("text/csv", "a,b\n");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(json(text).get("error").asText()).contains("application/x-ndjson");
        assertThat(http.send(HttpRequest.newBuilder(uri("/nope")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void aPortInUseIsOneSentence() throws Exception {
        start(HttpIngestSource.builder());
        assertThatThrownBy(() -> HttpIngestSource.builder().port(source.address().getPort()).bind())
                .isInstanceOf(BindException.class)
                .hasMessageContaining("Cannot listen on 127.0.0.1:" + source.address().getPort())
                .hasMessageContaining("is another program using the port?");
    }

    @Test
    void listensOnLoopbackByDefault() throws Exception {
        start(HttpIngestSource.builder());
        assertThat(source.address().getAddress().isLoopbackAddress()).isTrue();
    }
}
