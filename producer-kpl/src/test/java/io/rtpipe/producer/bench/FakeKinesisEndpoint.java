package io.rtpipe.producer.bench;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A minimal Kinesis for the benchmark, run as its own process so its CPU is not counted: it acknowledges every
 * PutRecords entry at once with a fake sequence number and the shard the record's hash key falls in, and answers
 * ListShards / DescribeStreamSummary / DescribeStream for one stream of {@code --shards} equal shards (the KPL needs
 * its shard map to aggregate). Speaks JSON (the KPL) and CBOR (the SDK's default), over plain HTTP/1.1 and over TLS
 * with a throw-away self-signed certificate (the KPL speaks only TLS).
 *
 * <p>{@code GET /_stats} on either port returns the counters since start as JSON: {@code requests}, {@code records}
 * (Kinesis records), {@code dataBytes} (record data), {@code wireBytes} (HTTP request line, headers and bodies as
 * received; TLS framing not included).
 *
 * <p>Usage: {@code FakeKinesisEndpoint --port P --tls-port Q --shards N}; prints {@code READY} once listening.
 */
public final class FakeKinesisEndpoint {

    private static final BigInteger HASH_SPACE = BigInteger.ONE.shiftLeft(128);
    private static final JsonFactory JSON = new JsonFactory();
    private static final CBORFactory CBOR = new CBORFactory();

    private final int shards;
    private final LongAdder requests = new LongAdder();
    private final LongAdder records = new LongAdder();
    private final LongAdder dataBytes = new LongAdder();
    private final LongAdder wireBytes = new LongAdder();
    private final AtomicLong sequence = new AtomicLong(1_000_000_000L);

    private FakeKinesisEndpoint(int shards) {
        this.shards = shards;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchArgs.parse(args);
        int port = Integer.parseInt(options.get("port"));
        int tlsPort = Integer.parseInt(options.get("tls-port"));
        var endpoint = new FakeKinesisEndpoint(Integer.parseInt(options.getOrDefault("shards", "64")));
        ExecutorService workers = Executors.newFixedThreadPool(4);
        InetAddress loopback = InetAddress.getLoopbackAddress();

        HttpServer plain = HttpServer.create(new InetSocketAddress(loopback, port), 256);
        plain.createContext("/", endpoint::handle);
        plain.setExecutor(workers);
        HttpsServer tls = HttpsServer.create(new InetSocketAddress(loopback, tlsPort), 256);
        tls.setHttpsConfigurator(new HttpsConfigurator(selfSignedContext()));
        tls.createContext("/", endpoint::handle);
        tls.setExecutor(workers);
        plain.start();
        tls.start();
        System.out.println("READY");
        System.out.flush();
        // Runs until the benchmark stops this process by its PID.
        Thread.currentThread().join();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("GET".equals(exchange.getRequestMethod()) && exchange.getRequestURI().getPath().equals("/_stats")) {
                String stats = "{\"requests\":" + requests.sum() + ",\"records\":" + records.sum() + ",\"dataBytes\":"
                        + dataBytes.sum() + ",\"wireBytes\":" + wireBytes.sum() + "}";
                respond(exchange, 200, "application/json", stats.getBytes(StandardCharsets.UTF_8));
                return;
            }
            requests.increment();
            wireBytes.add(body.length + headerBytes(exchange));
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            JsonFactory format = contentType.contains("cbor") ? CBOR : JSON;
            String operation = target.substring(target.indexOf('.') + 1);
            var out = new ByteArrayOutputStream(256);
            try (JsonGenerator g = format.createGenerator(out)) {
                switch (operation) {
                    case "PutRecords" -> putRecords(format.createParser(body), g);
                    case "ListShards" -> listShards(g);
                    case "DescribeStreamSummary" -> describeStreamSummary(g);
                    case "DescribeStream" -> describeStream(g);
                    default -> {
                        System.err.println("unsupported operation " + target);
                        respond(exchange, 400, contentType, ("{\"__type\":\"UnknownOperationException\"}")
                                .getBytes(StandardCharsets.UTF_8));
                        return;
                    }
                }
            }
            respond(exchange, 200, contentType, out.toByteArray());
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    /** Acknowledges every entry, in order, on the shard its hash key belongs to. */
    private void putRecords(JsonParser p, JsonGenerator g) throws IOException {
        List<Integer> shardOfRecord = new ArrayList<>();
        String partitionKey = null;
        String explicitHashKey = null;
        int depth = 0;
        boolean inRecords = false;
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
            switch (t) {
                case START_OBJECT -> {
                    depth++;
                    partitionKey = null;
                    explicitHashKey = null;
                }
                case END_OBJECT -> {
                    if (inRecords && depth == 2) {
                        shardOfRecord.add(shardOf(partitionKey, explicitHashKey));
                    }
                    depth--;
                }
                case START_ARRAY -> inRecords = depth == 1 && "Records".equals(p.currentName());
                case END_ARRAY -> inRecords = false;
                case VALUE_STRING, VALUE_EMBEDDED_OBJECT -> {
                    if (!inRecords) {
                        break;
                    }
                    switch (p.currentName()) {
                        case "Data" -> dataBytes.add(t == JsonToken.VALUE_EMBEDDED_OBJECT ? p.getBinaryValue().length
                                : base64Decoded(p.getTextLength(), p.getTextCharacters(), p.getTextOffset()));
                        case "PartitionKey" -> partitionKey = p.getText();
                        case "ExplicitHashKey" -> explicitHashKey = p.getText();
                        default -> { }
                    }
                }
                default -> { }
            }
        }
        records.add(shardOfRecord.size());
        g.writeStartObject();
        g.writeNumberField("FailedRecordCount", 0);
        g.writeArrayFieldStart("Records");
        for (int shard : shardOfRecord) {
            g.writeStartObject();
            g.writeStringField("SequenceNumber", Long.toString(sequence.incrementAndGet()));
            g.writeStringField("ShardId", shardId(shard));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static long base64Decoded(int length, char[] text, int offset) {
        int padding = 0;
        for (int i = offset + length - 1; i >= offset && text[i] == '='; i--) {
            padding++;
        }
        return length / 4L * 3 - padding;
    }

    private int shardOf(String partitionKey, String explicitHashKey) {
        BigInteger hash = explicitHashKey != null ? new BigInteger(explicitHashKey)
                : new BigInteger(1, md5(partitionKey == null ? "" : partitionKey));
        return hash.multiply(BigInteger.valueOf(shards)).divide(HASH_SPACE).intValue();
    }

    private void listShards(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("Shards");
        writeShards(g);
        g.writeEndArray();
        g.writeEndObject();
    }

    private void describeStreamSummary(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("StreamDescriptionSummary");
        writeStreamFields(g);
        g.writeNumberField("OpenShardCount", shards);
        g.writeNumberField("ConsumerCount", 0);
        g.writeEndObject();
        g.writeEndObject();
    }

    private void describeStream(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("StreamDescription");
        writeStreamFields(g);
        g.writeBooleanField("HasMoreShards", false);
        g.writeArrayFieldStart("Shards");
        writeShards(g);
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeStreamFields(JsonGenerator g) throws IOException {
        g.writeStringField("StreamName", "bench");
        g.writeStringField("StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/bench");
        g.writeStringField("StreamStatus", "ACTIVE");
        g.writeObjectFieldStart("StreamModeDetails");
        g.writeStringField("StreamMode", "PROVISIONED");
        g.writeEndObject();
        g.writeNumberField("RetentionPeriodHours", 24);
        g.writeNumberField("StreamCreationTimestamp", 1_700_000_000);
        g.writeArrayFieldStart("EnhancedMonitoring");
        g.writeEndArray();
        g.writeStringField("EncryptionType", "NONE");
    }

    private void writeShards(JsonGenerator g) throws IOException {
        BigInteger width = HASH_SPACE.divide(BigInteger.valueOf(shards));
        for (int i = 0; i < shards; i++) {
            BigInteger start = width.multiply(BigInteger.valueOf(i));
            BigInteger end = i == shards - 1 ? HASH_SPACE.subtract(BigInteger.ONE)
                    : start.add(width).subtract(BigInteger.ONE);
            g.writeStartObject();
            g.writeStringField("ShardId", shardId(i));
            g.writeObjectFieldStart("HashKeyRange");
            g.writeStringField("StartingHashKey", start.toString());
            g.writeStringField("EndingHashKey", end.toString());
            g.writeEndObject();
            g.writeObjectFieldStart("SequenceNumberRange");
            g.writeStringField("StartingSequenceNumber", "0");
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static String shardId(int shard) {
        return String.format("shardId-%012d", shard);
    }

    private static long headerBytes(HttpExchange exchange) {
        // Request line ("POST / HTTP/1.1\r\n") plus "Name: value\r\n" per header plus the blank line.
        long bytes = exchange.getRequestMethod().length() + exchange.getRequestURI().toString().length() + 12;
        Headers headers = exchange.getRequestHeaders();
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            for (String value : h.getValue()) {
                bytes += h.getKey().length() + 2 + value.length() + 2;
            }
        }
        return bytes + 2;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", "bench");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] md5(String key) {
        try {
            return MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key pair and self-signed certificate made with the JDK's keytool into a temporary PKCS12 store. */
    private static SSLContext selfSignedContext() throws Exception {
        Path dir = Files.createTempDirectory("rtpipe-bench-tls-");
        Path store = dir.resolve("endpoint.p12");
        char[] password = "benchmark".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "endpoint", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(password), "-keypass", new String(password))
                .redirectErrorStream(true).start();
        byte[] output = keytool.getInputStream().readAllBytes();
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        Files.delete(store);
        Files.delete(dir);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}
