package io.rtpipe.consumer.outputs;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.output.FirehoseOutput;
import io.rtpipe.connectors.output.KinesisOutput;
import io.rtpipe.connectors.output.LambdaOutput;
import io.rtpipe.connectors.output.ResultOutputSink;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.result.MergedResult;
import io.rtpipe.testkit.StreamReader;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.fakes.OutputServicesFake;
import io.rtpipe.sandbox.junit.SandboxExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The row outputs, driven directly with final rows as the publisher will hand them: Kinesis on the emulator,
 * Firehose and Lambda on the loopback fake (no emulator has them). Each record read back must carry the id
 * {@code orders/<window start>/<16 hex digits>/final} and the row, and a republished range the same ids and bytes.
 */
@ExtendWith(SandboxExtension.class)
class OutputSinksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ZERO, Duration.ZERO);

    private final OutputServicesFake fake = OutputServicesFake.start();
    private final AwsClients fakeClients = new AwsClients(fake.awsConfig("us-east-1"));

    @AfterEach
    void stopFake() {
        fake.close();
    }

    @Test
    void kinesisRecordsCarryDeterministicIdsAsPartitionKeyAndARepublishRepeatsThem(LocalAws aws) throws Exception {
        String stream = unique("outputs");
        aws.createStream(stream, 2);
        MetricSpec metric = OrderWindows.metric(Duration.ZERO, new OutputSpec(OutputSpec.Kind.KINESIS, stream));
        List<MergedResult> rows = OrderWindows.rows(0, 10);
        try (KinesisAsyncClient kinesis = aws.clients().kinesisAsync()) {
            ResultOutputSink sink = new ResultOutputSink(OutputSpec.Kind.KINESIS, new KinesisOutput(kinesis, QUICK));

            sink.publish(metric, OrderWindows.start(0), OrderWindows.start(10), rows);
            Map<String, String> first = byPartitionKey(readAll(kinesis, stream));
            sink.publish(metric, OrderWindows.start(0), OrderWindows.start(10), rows);
            List<String[]> both = readAll(kinesis, stream);

            assertThat(first).hasSize(rows.size());
            for (MergedResult row : rows) {
                String id = idOf(first, row);
                assertThat(id).matches("orders/" + row.windowStart() + "/[0-9a-f]{16}/final");
                JsonNode body = JSON.readTree(first.get(id));
                assertThat(body.get("id").asText()).isEqualTo(id);
                assertThat(body.get("final").asBoolean()).isTrue();
                assertThat(body.get("window_end").asText()).isEqualTo(row.windowEnd().toString());
            }
            // the republish put each record once more, same partition key and same bytes
            assertThat(both).hasSize(2 * rows.size());
            Map<String, List<String>> copies = new TreeMap<>();
            both.forEach(r -> copies.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]));
            assertThat(copies.keySet()).isEqualTo(first.keySet());
            copies.forEach((id, bodies) -> assertThat(bodies).containsExactly(first.get(id), first.get(id)));
        }
    }

    @Test
    void firehoseResendsOnlyTheRefusedRecordsAsJsonLines() throws Exception {
        MetricSpec metric = OrderWindows.metric(Duration.ZERO, new OutputSpec(OutputSpec.Kind.FIREHOSE, "to-lake"));
        List<MergedResult> rows = OrderWindows.rows(0, 4);
        fake.failNext(OutputServicesFake.Service.FIREHOSE, 3);
        try (FirehoseClient firehose = fakeClients.firehose()) {
            new ResultOutputSink(OutputSpec.Kind.FIREHOSE, new FirehoseOutput(firehose, QUICK))
                    .publish(metric, OrderWindows.start(0), OrderWindows.start(4), rows);
        }

        List<OutputServicesFake.Received> received = fake.received();
        assertThat(received).hasSize(rows.size()).allSatisfy(r -> {
            assertThat(r.target()).isEqualTo("to-lake");
            assertThat(r.body()).endsWith("}\n");
        });
        assertThat(received.stream().map(r -> readId(r.body())).distinct()).hasSize(rows.size());
    }

    @Test
    void lambdaInvokesAgainAfterAFunctionErrorAndGetsEveryRecordWithItsId() throws Exception {
        MetricSpec metric = OrderWindows.metric(Duration.ZERO, new OutputSpec(OutputSpec.Kind.LAMBDA, "scorer"));
        List<MergedResult> rows = OrderWindows.rows(0, 3);
        fake.failNext(OutputServicesFake.Service.LAMBDA, 1);
        try (LambdaClient lambda = fakeClients.lambda()) {
            new ResultOutputSink(OutputSpec.Kind.LAMBDA, new LambdaOutput(lambda, QUICK))
                    .publish(metric, OrderWindows.start(0), OrderWindows.start(3), rows);
        }

        List<OutputServicesFake.Received> received = fake.received();
        assertThat(received).hasSize(rows.size()).allSatisfy(r -> assertThat(r.target()).isEqualTo("scorer"));
        for (int i = 0; i < rows.size(); i++) {
            JsonNode body = JSON.readTree(received.get(i).body());
            assertThat(body.get("window_start").asText()).isEqualTo(rows.get(i).windowStart().toString());
            assertThat(body.get("values").get("count").asLong()).isEqualTo(rows.get(i).values().get("count"));
            assertThat(body.get("id").asText()).startsWith("orders/" + rows.get(i).windowStart() + "/");
        }
    }

    @Test
    void anOutputStillRefusingAfterItsRetriesThrowsForThePublisherToRetryTheRange() {
        MetricSpec metric = OrderWindows.metric(Duration.ZERO, new OutputSpec(OutputSpec.Kind.FIREHOSE, "to-lake"));
        fake.failNext(OutputServicesFake.Service.FIREHOSE, 1_000);
        try (FirehoseClient firehose = fakeClients.firehose()) {
            ResultOutputSink sink = new ResultOutputSink(OutputSpec.Kind.FIREHOSE, new FirehoseOutput(firehose, QUICK));

            assertThatThrownBy(() -> sink.publish(metric, OrderWindows.start(0), OrderWindows.start(2),
                    OrderWindows.rows(0, 2)))
                    .isInstanceOf(SinkWriteException.class)
                    .hasMessage("6 of 6 entries to firehose delivery stream to-lake were refused after 4 attempts "
                            + "(last: ServiceUnavailableException: injected)");
        }
    }

    private static String readId(String body) {
        try {
            return JSON.readTree(body).get("id").asText();
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The id of the record whose body is {@code row}'s window and key. */
    private static String idOf(Map<String, String> records, MergedResult row) throws Exception {
        for (Map.Entry<String, String> record : records.entrySet()) {
            JsonNode body = JSON.readTree(record.getValue());
            if (body.get("window_start").asText().equals(row.windowStart().toString())
                    && body.get("key").get("type").asText().equals(row.key().get("type"))) {
                assertThat(body.get("values").get("count").asLong()).isEqualTo(row.values().get("count"));
                return record.getKey();
            }
        }
        throw new AssertionError("no record for " + row);
    }

    private static Map<String, String> byPartitionKey(List<String[]> records) {
        Map<String, String> byKey = new TreeMap<>();
        records.forEach(r -> assertThat(byKey.put(r[0], r[1])).as("one record per id").isNull());
        return byKey;
    }

    /** Every record on every shard, as [partition key, data] (ConsumerOutputsIT reads its output stream so too). */
    static List<String[]> readAll(KinesisAsyncClient kinesis, String stream) {
        return StreamReader.readAll(kinesis, stream).stream()
                .map(r -> new String[]{r.partitionKey(), new String(r.data(), StandardCharsets.UTF_8)}).toList();
    }
}
