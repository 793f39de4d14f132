package io.rtpipe.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Mistakes a user can make get one clear sentence and a non-zero exit code, never a bare stack trace. */
class CommandErrorsTest {

    private static final String NL = System.lineSeparator();

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    @Test
    void missingInputFile(@TempDir Path dir) {
        assertThat(run("local", "--input", dir.resolve("nope.jsonl").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("rtpipe: --input: no such file: ").doesNotContain("Exception");
    }

    @Test
    void exportIntoAMissingFolder(@TempDir Path dir) {
        assertThat(run("local", "--export", dir.resolve("no/such/dir/out.jsonl").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--export: the folder").contains("does not exist");
    }

    @Test
    void badNumbersAndDurations() {
        assertThat(run("local", "--rate", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--rate must be a positive number");
        assertThat(run("local", "--duration", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("'soon' is not a duration");
        assertThat(run("local", "--shards", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--shards must be between 1 and 64");
    }

    @Test
    void unknownFlag() {
        assertThat(run("local", "--frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void aRefusedEndpointIsOneSentenceNamingIt() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort(); // closed at once: connecting to it is refused
        }
        int exit = run("produce", "--stream", "s", "--region", "us-east-1", "--endpoint", "http://127.0.0.1:" + port,
                "--count", "1");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("rtpipe: the Kinesis endpoint http://127.0.0.1:" + port + " (from "
                + "--endpoint) cannot be reached: connection refused (is the service running?)" + NL);
    }

    @Test
    void aConsumerPointedAtADeadDynamoDbPortSaysSoBeforeStarting() throws Exception {
        int dead;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = closed.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + dead;
        int exit = run("consume", "--stream", "s", "--bucket", "b", "--region", "us-east-1",
                "--kinesis-endpoint", endpoint, "--dynamodb-endpoint", endpoint, "--s3-endpoint", endpoint,
                "--cloudwatch-endpoint", endpoint);
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("rtpipe: the DynamoDB endpoint " + endpoint + " (from "
                + "--dynamodb-endpoint) cannot be reached: connection refused (is the service running?)" + NL);
    }

    @Test
    void aConsumersSpecInS3ThatItMayNotReadIsOneSentenceNamingTheUrl() throws Exception {
        HttpServer s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s3.createContext("/", exchange -> {
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                    + "<Message>Access Denied</Message></Error>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("x-amz-request-id", "test");
            exchange.getResponseHeaders().set("Content-Type", "application/xml");
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        s3.start();
        int dead;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = closed.getLocalPort();
        }
        String deadEndpoint = "http://127.0.0.1:" + dead;
        try {
            // The spec is read first: the other (dead) endpoints are not reached.
            int exit = run("consume", "--stream", "s", "--bucket", "b", "--region", "us-east-1",
                    "--metrics", "s3://specs/metrics.yaml", "--kinesis-endpoint", deadEndpoint,
                    "--dynamodb-endpoint", deadEndpoint, "--cloudwatch-endpoint", deadEndpoint,
                    "--s3-endpoint", "http://127.0.0.1:" + s3.getAddress().getPort());
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("rtpipe: Cannot read the metric spec s3://specs/metrics.yaml: "
                    + "access denied (403): the role needs s3:GetObject on it, and S3 answers so as well when the "
                    + "object is missing and the role may not list the bucket." + NL);
        } finally {
            s3.stop(0);
        }
        err.getBuffer().setLength(0);
        assertThat(run("consume", "--stream", "s", "--bucket", "b", "--region", "us-east-1",
                "--metrics", "s3://specs/metrics.yaml", "--endpoint", deadEndpoint)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("rtpipe: the S3 endpoint " + deadEndpoint + " (from --endpoint) cannot "
                + "be reached: connection refused (is the service running?)" + NL);
    }

    @Test
    void anHttpServerThatIsNotTheServiceIsNamedAsSuch() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Server", "not-aws/1.0");
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
            // Kinesis speaks HTTP/2 and fails on the preface; DynamoDB speaks HTTP/1.1 and gets a 404 without an
            // AWS request id: both are told apart from AWS by the probe.
            assertThat(run("produce", "--stream", "s", "--region", "us-east-1", "--kinesis-endpoint", endpoint,
                    "--count", "1")).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("rtpipe: the Kinesis endpoint " + endpoint + " (from "
                    + "--kinesis-endpoint) is not Kinesis: an HTTP server answered there (HTTP 404, "
                    + "Server: not-aws/1.0)"
                    + NL);
            err.getBuffer().setLength(0);
            // query reads S3 (results too large for an item) and Kinesis (the shards) too: every endpoint is set
            assertThat(run("query", "events_per_minute", "--stream", "s", "--region", "us-east-1",
                    "--dynamodb-endpoint", endpoint, "--s3-endpoint", endpoint, "--kinesis-endpoint", endpoint)).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("rtpipe: the DynamoDB endpoint " + endpoint + " (from "
                    + "--dynamodb-endpoint) is not DynamoDB: an HTTP server answered there (HTTP 404, "
                    + "Server: not-aws/1.0)" + NL);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSpecMistakeIsOneLocatedSentenceAndExitCode2(@TempDir Path dir) throws java.io.IOException {
        Path spec = java.nio.file.Files.writeString(dir.resolve("metrics.yaml"), """
                metrics:
                  - name: orders
                    window: {type: tumbling, size: 1 minute}
                    aggregates:
                      - {name: n, fn: count}
                """);
        assertThat(run("local", "--metrics", spec.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("rtpipe: " + spec + ":3: metrics[0].window.size: found \"1 minute\","
                + " expected a duration such as 30s, 1m, 1h");
    }

    @Test
    void aLocalRunWhoseOutputsNoEmulatorHasIsRefusedUnlessTheirEndpointsAreGiven(@TempDir Path dir)
            throws java.io.IOException {
        Path spec = java.nio.file.Files.writeString(dir.resolve("metrics.yaml"), """
                metrics:
                  - name: orders
                    group_by: [type]
                    aggregates: [{name: n, fn: count}]
                    outputs: [{kinesis: out}, {sns: "arn:aws:sns:us-east-1:111122223333:alerts"}]
                    alert: {when: "n > 3"}
                """);
        assertThat(run("local", "--metrics", spec.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("rtpipe: the spec's outputs "
                + "[sns: arn:aws:sns:us-east-1:111122223333:alerts] need real endpoints, as no emulator has [SNS]: "
                + "set AWS_ENDPOINT_URL_SNS, else their calls would reach real AWS");
    }

    @Test
    void produceFromAMissingFile(@TempDir Path dir) {
        assertThat(run("produce", "--stream", "s", "--source", "file:" + dir.resolve("nope.log"))).isEqualTo(2);
        assertThat(err.toString()).contains("rtpipe: --source file: no such file: ").doesNotContain("Exception");
    }

    @Test
    void produceFromAnUnknownSourceOrABadPort() {
        assertThat(run("produce", "--stream", "s", "--source", "ftp:x")).isEqualTo(2);
        assertThat(err.toString()).contains("--source must be generator, stdin, file:PATH or http:PORT, got 'ftp:x'");
        assertThat(run("produce", "--stream", "s", "--source", "http:99999")).isEqualTo(2);
        assertThat(err.toString()).contains("--source http:PORT needs a port from 0 to 65535, got '99999'");
    }

    @Test
    void produceBeyondLoopbackWithoutTokenAndTls(@TempDir Path dir) throws Exception {
        assertThat(run("produce", "--stream", "s", "--source", "http:0", "--bind", "0.0.0.0")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("rtpipe: Listening on 0.0.0.0 (beyond loopback) needs a token "
                + "and TLS, so that no one else on the network can send events or read them: give both, or bind to "
                + "127.0.0.1.");
        err.getBuffer().setLength(0);
        Path empty = Files.writeString(dir.resolve("token"), "\n");
        assertThat(run("produce", "--stream", "s", "--source", "http:0", "--auth-token-file", empty.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("rtpipe: --auth-token-file " + empty + " is empty");
        err.getBuffer().setLength(0);
        Path notAKeystore = Files.writeString(dir.resolve("ks.p12"), "nope");
        assertThat(run("produce", "--stream", "s", "--source", "http:0", "--tls-keystore", notAKeystore.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("rtpipe: --tls-keystore " + notAKeystore + " is not a PKCS12 keystore "
                + "that opens with the password in RTPIPE_TLS_KEYSTORE_PASSWORD").doesNotContain("\tat ");
    }

    @Test
    void produceOnAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int exit = run("produce", "--stream", "s", "--source", "http:" + taken.getLocalPort());
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("rtpipe: Cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("is another program using the port?").doesNotContain("\tat ");
        }
    }

    @Test
    void queryForAMetricOrKeyFieldTheSpecDoesNotHave() {
        assertThat(run("query", "orders_per_minute", "--stream", "s", "--region", "us-east-1")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("rtpipe: unknown metric 'orders_per_minute'; the spec defines "
                + "[events_per_minute]" + NL);
        err.getBuffer().setLength(0);
        assertThat(run("query", "events_per_minute", "--stream", "s", "--key", "page=/a", "--region",
                "us-east-1")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("rtpipe: --key page: metric 'events_per_minute' has no key field "
                + "'page'; its key fields are: type" + NL);
    }
}
