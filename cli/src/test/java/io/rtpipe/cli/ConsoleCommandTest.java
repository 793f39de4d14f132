package io.rtpipe.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtpipe console} refuses bad options with one sentence and exit code 2, before it talks to AWS. */
class ConsoleCommandTest {

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    @Test
    void portOutOfRange() {
        assertThat(run("console", "--stream", "s", "--bucket", "b", "--port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("--port must be between 0 and 65535, got 70000")
                .doesNotContain("Exception");
    }

    @Test
    void topKeysAndDurations() {
        assertThat(run("console", "--stream", "s", "--bucket", "b", "--top-keys", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--top-keys must be at least 1");
        assertThat(run("console", "--stream", "s", "--bucket", "b", "--history", "0s")).isEqualTo(2);
        assertThat(err.toString()).contains("--refresh and --history must be positive");
    }

    @Test
    void streamAndBucketAreRequired() {
        assertThat(run("console")).isEqualTo(2);
        assertThat(err.toString()).contains("--stream");
    }
}
