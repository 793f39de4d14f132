package io.rtpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.rtpipe.sandbox.UniqueNames.unique;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtpipe produce} on the sandbox (RTPIPE_SANDBOX): stdin aggregated and not, a missing stream, refused puts. */
@ExtendWith(SandboxExtension.class)
class ProduceCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalAws aws;

    ProduceCommandIT(LocalAws aws) {
        this.aws = aws;
    }

    private record Run(int exit, String stderr) {
    }

    private Run produce(String stdin, String... args) {
        return produce(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }

    private Run produce(InputStream stdin, String... args) {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        StringWriter picocliErr = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(picocliErr, true));
        ProduceCommand command = cli.getSubcommands().get("produce").getCommand();
        command.stdin = stdin;
        command.stderr = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        var config = aws.awsConfig();
        List<String> all = new ArrayList<>(List.of("produce", "--region", config.region()));
        endpoint(all, "--kinesis-endpoint", config.kinesisEndpoint());
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, stderr.toString(StandardCharsets.UTF_8) + picocliErr);
    }

    /** A local backend's endpoint as a flag; on AWS there is none and the SDK's regional endpoint applies. */
    private static void endpoint(List<String> args, String flag, Optional<?> endpoint) {
        endpoint.ifPresent(uri -> args.addAll(List.of(flag, uri.toString())));
    }

    @Test
    void stdinLinesAreInTheStreamOnceAggregatedOrNot() throws Exception {
        for (boolean aggregated : new boolean[] {true, false}) {
            String stream = unique("produce-it");
            aws.createStream(stream, 2);
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < 1_500; i++) {
                input.append("{\"id\":").append(i).append(",\"user\":\"u").append(i % 17).append("\"}\n");
                if (i % 100 == 0) {
                    input.append('\n'); // blank lines are skipped
                }
            }
            List<String> args = new ArrayList<>(List.of("--stream", stream, "--source", "stdin",
                    "--partition-key-field", "user"));
            if (!aggregated) {
                args.add("--no-aggregation");
            }
            Run run = produce(input.toString(), args.toArray(String[]::new));
            assertThat(run.exit()).as(run.stderr()).isZero();
            assertThat(run.stderr()).contains("produced 1,500: 1,500 acknowledged, 0 failed, 0 buffered");
            List<Integer> ids = new ArrayList<>();
            int kinesisRecords = read(stream, ids);
            assertThat(ids).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, 1_500).boxed().toList());
            if (aggregated) {
                assertThat(kinesisRecords).isLessThan(150);
            } else {
                assertThat(kinesisRecords).isEqualTo(1_500);
            }
        }
    }

    @Test
    void aMissingStreamIsOneSentence() {
        Run run = produce("", "--stream", "no-such-stream", "--source", "stdin");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).contains("rtpipe: stream 'no-such-stream' does not exist").doesNotContain("\tat ");
    }

    /** A line Kinesis could never take is not sent, and the command says so and exits 1 (it once exited 0). */
    @Test
    void aLineTooLongForARecordMakesTheCommandExitOne() throws Exception {
        String stream = unique("produce-long-it");
        aws.createStream(stream, 1);
        String input = "{\"id\":1}\n{\"pad\":\"" + "x".repeat(1_000_000) + "\"}\n{\"id\":2}\n";
        Run run = produce(input, "--stream", stream, "--source", "stdin");

        assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
        assertThat(run.stderr()).contains("rtpipe: 1 line longer than 1,000,000 bytes was not sent: Kinesis takes at "
                + "most 1 MiB per record.").doesNotContain("\tat ");
        List<Integer> ids = new ArrayList<>();
        read(stream, ids);
        assertThat(ids).containsExactlyInAnyOrder(1, 2);
    }

    /**
     * The stream is deleted after the command checked it and before the first line arrives: Kinesis refuses every put,
     * and the command exits 1 naming how many events failed and why, in one sentence.
     */
    @Test
    void failedEventsMakeTheCommandExitOneWithHowManyAndWhy() {
        String stream = unique("produce-refused-it");
        aws.createStream(stream, 1);
        String lines = "{\"event_id\":\"a\"}\n{\"event_id\":\"b\"}\n{\"event_id\":\"c\"}\n";
        InputStream deletesTheStreamFirst = new InputStream() {
            private InputStream data;

            @Override
            public int read() throws IOException {
                if (data == null) {
                    deleteAndAwaitGone(stream);
                    data = new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8));
                }
                return data.read();
            }
        };
        Run run = produce(deletesTheStreamFirst, "--stream", stream, "--source", "stdin", "--flush-timeout", "20s");

        assertThat(run.exit()).as(run.stderr()).isEqualTo(1);
        assertThat(run.stderr()).containsPattern("rtpipe: 3 of 3 events failed and are not in the stream: 3 [A-Z_]+ \\(")
                .doesNotContain("\tat ");
    }

    private void deleteAndAwaitGone(String stream) {
        try (KinesisAsyncClient kinesis = new AwsClients(aws.awsConfig()).kinesisAsync()) {
            kinesis.deleteStream(b -> b.streamName(stream)).join();
            for (int i = 0; i < 300; i++) {
                try {
                    kinesis.describeStreamSummary(b -> b.streamName(stream)).join();
                    Thread.sleep(100);
                } catch (java.util.concurrent.CompletionException gone) {
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Reads the stream, de-aggregating as KCL does; adds each event's id; returns the Kinesis record count. */
    private int read(String stream, List<Integer> ids) throws Exception {
        int kinesisRecords = 0;
        try (KinesisAsyncClient kinesis = new AwsClients(aws.awsConfig()).kinesisAsync()) {
            for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).join().shards()) {
                List<KinesisClientRecord> read = new ArrayList<>();
                String iterator = kinesis.getShardIterator(r -> r.streamName(stream).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).join().shardIterator();
                while (iterator != null) {
                    String it = iterator;
                    GetRecordsResponse response = kinesis.getRecords(r -> r.shardIterator(it).limit(10_000)).join();
                    response.records().forEach(r -> read.add(KinesisClientRecord.fromRecord(r)));
                    iterator = response.records().isEmpty() ? null : response.nextShardIterator();
                }
                kinesisRecords += read.size();
                for (KinesisClientRecord user : new AggregatorUtil().deaggregate(read,
                        shard.hashKeyRange().startingHashKey(), shard.hashKeyRange().endingHashKey())) {
                    ids.add(JSON.readTree(StandardCharsets.UTF_8.decode(user.data()).toString()).get("id").asInt());
                }
            }
        }
        return kinesisRecords;
    }
}
