package io.rtpipe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Mistakes a user can make get one clear sentence and a non-zero exit code, never a bare stack trace. */
class CommandErrorsTest {

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
    void partialEndpointOverridesAreRefused() {
        assertThat(run("produce", "--stream", "s", "--kinesis-endpoint", "http://127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("a partial override would send some calls to real AWS");
    }

    @Test
    void unreachableEndpointIsOneSentence() {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        int exit = run("produce", "--stream", "s", "--endpoint", "http://127.0.0.1:1", "--count", "1");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("rtpipe: cannot reach the endpoint").doesNotContain("\tat ");
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
    void produceOnAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int exit = run("produce", "--stream", "s", "--source", "http:" + taken.getLocalPort());
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString()).contains("rtpipe: Cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("is another program using the port?").doesNotContain("\tat ");
        }
    }
}
