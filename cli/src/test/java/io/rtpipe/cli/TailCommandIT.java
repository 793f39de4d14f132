package io.rtpipe.cli;

import io.rtpipe.testkit.StreamReader;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtpipe tail} on the sandbox: aggregated and plain records, from the trim horizon and from a timestamp. */
@ExtendWith(SandboxExtension.class)
class TailCommandIT {

    private final LocalAws aws;

    TailCommandIT(LocalAws aws) {
        this.aws = aws;
    }

    private List<String> aws(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--region", aws.awsConfig().region()));
        aws.awsConfig().kinesisEndpoint().ifPresent(uri -> all.addAll(List.of("--kinesis-endpoint", uri.toString())));
        all.addAll(List.of(args));
        return all;
    }

    /** Sends the lines through {@code rtpipe produce --source stdin}. */
    private void produce(List<String> lines, String... flags) {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        ProduceCommand command = cli.getSubcommands().get("produce").getCommand();
        command.stdin = new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        command.stderr = new PrintStream(progress, true, StandardCharsets.UTF_8);
        int exit = cli.execute(aws("produce", flags).toArray(String[]::new));
        assertThat(exit).as(err + progress.toString(StandardCharsets.UTF_8)).isZero();
    }

    private record Tail(int exit, List<String> lines, String err) {}

    private Tail tail(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(aws("tail", args).toArray(String[]::new));
        String text = out.toString();
        return new Tail(exit, text.isEmpty() ? List.of() : List.of(text.split(System.lineSeparator())), err.toString());
    }

    private static List<String> events(String batch, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add("{\"batch\":\"" + batch + "\",\"id\":" + i + ",\"user\":\"u" + i % 13 + "\"}");
        }
        return lines;
    }

    @Test
    void printsEveryEventOnceAggregatedRecordsSplitFromTheTrimHorizon() {
        String stream = unique("tail-it");
        aws.createStream(stream, 2);
        List<String> aggregated = events("a", 600);
        List<String> plain = events("p", 40);
        produce(aggregated, "--stream", stream, "--source", "stdin", "--partition-key-field", "user");
        produce(plain, "--stream", stream, "--source", "stdin", "--no-aggregation");
        try (KinesisAsyncClient kinesis = new AwsClients(aws.awsConfig()).kinesisAsync()) {
            // The stream holds far fewer Kinesis records than events: most arrived packed in aggregates.
            // StreamReader de-aggregates: count the Kinesis records its user records came from.
            assertThat(StreamReader.readAll(kinesis, stream).stream()
                    .map(r -> r.address().shardId() + "/" + r.address().sequenceNumber()).distinct().count())
                    .isLessThan(200);
        }

        Tail tail = tail("--stream", stream, "--from", "trim-horizon", "--max", "640");
        assertThat(tail.exit()).as(tail.err()).isZero();
        List<String> expected = new ArrayList<>(aggregated);
        expected.addAll(plain);
        assertThat(tail.lines()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void fromATimestampSkipsWhatArrivedBefore() throws InterruptedException {
        String stream = unique("tail-ts");
        aws.createStream(stream, 1);
        produce(events("before", 50), "--stream", stream, "--source", "stdin");
        Thread.sleep(1_100); // arrival times have millisecond resolution: leave a clear gap around the start
        Instant start = Instant.now();
        Thread.sleep(1_100);
        List<String> after = events("after", 30);
        produce(after, "--stream", stream, "--source", "stdin");

        Tail tail = tail("--stream", stream, "--from", "timestamp", "--timestamp", start.toString(), "--max", "30");
        assertThat(tail.exit()).as(tail.err()).isZero();
        assertThat(tail.lines()).containsExactlyInAnyOrderElementsOf(after);
    }

    @Test
    void badStartPositionsAreOneSentence() {
        assertThat(tail("--stream", "s", "--from", "timestamp").err())
                .isEqualTo("rtpipe: --from timestamp needs --timestamp, an ISO-8601 instant such as "
                        + "2026-11-26T05:00:00Z" + System.lineSeparator());
        Tail unknown = tail("--stream", "s", "--from", "yesterday");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("Invalid value for option '--from': --from must be trim-horizon, "
                + "latest or timestamp, got 'yesterday'");
        Tail missing = tail("--stream", "no-such-stream", "--max", "1");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("rtpipe: stream 'no-such-stream' does not exist");
    }
}
