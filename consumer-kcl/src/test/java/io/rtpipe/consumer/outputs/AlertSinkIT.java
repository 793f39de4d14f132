package io.rtpipe.consumer.outputs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.AlertLedger;
import io.rtpipe.connectors.output.AlertSink;
import io.rtpipe.connectors.output.EventBridgeOutput;
import io.rtpipe.connectors.output.OutputTransport;
import io.rtpipe.connectors.output.SnsOutput;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.publish.OutputRecord;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.fakes.OutputServicesFake;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;

import java.time.Duration;
import java.util.List;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Alerts through the ledger on the DynamoDB emulator, to SNS and EventBridge on the loopback fake. A crash is
 * simulated by a transport that throws at one step and a new sink (as after a restart) republishing the same range.
 */
@ExtendWith(SandboxExtension.class)
class AlertSinkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetryPolicy QUICK = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);
    private static final Duration THROTTLE = Duration.ofMinutes(5);
    private static final String STANDARD_TOPIC = "arn:aws:sns:us-east-1:000000000000:alerts";
    private static final String FIFO_TOPIC = "arn:aws:sns:us-east-1:000000000000:alerts.fifo";

    private final OutputServicesFake fake = OutputServicesFake.start();
    private final AwsClients fakeClients = new AwsClients(fake.awsConfig("us-east-1"));
    private final SnsClient sns = fakeClients.sns();
    private final DynamoDbClient dynamoDb;
    private final AlertLedger ledger;

    AlertSinkIT(LocalAws aws) {
        dynamoDb = aws.clients().dynamoDb();
        String table = unique("alerts");
        AlertLedger.createTableIfMissing(dynamoDb, table);
        ledger = new AlertLedger(dynamoDb, table, QUICK);
    }

    @AfterEach
    void close() {
        sns.close();
        dynamoDb.close();
        fake.close();
    }

    private static MetricSpec metric(String topic) {
        return OrderWindows.metric(THROTTLE, new OutputSpec(OutputSpec.Kind.SNS, topic));
    }

    private AlertSink sink(OutputTransport transport) {
        return new AlertSink(OutputSpec.Kind.SNS, ledger, transport);
    }

    /** "window type" of each notification subscribers got, in arrival order. */
    private List<String> delivered() {
        return fake.delivered().stream().map(r -> windowAndType(r.body())).toList();
    }

    private static String windowAndType(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            long minutes = Duration.between(OrderWindows.T0,
                    java.time.Instant.parse(json.get("window_start").asText())).toMinutes();
            return minutes + " " + json.get("key").get("type").asText();
        } catch (Exception e) {
            throw new AssertionError("not an alert body: " + body, e);
        }
    }

    @Test
    void eachCrossingNotifiesOncePerThrottleSlotAndARepublishNotifiesNothing() {
        AlertSink sink = sink(new SnsOutput(sns, QUICK));
        MetricSpec metric = metric(STANDARD_TOPIC);

        // ranges of 3 windows: 5-minute slots span two ranges, so the ledger, not one call, must throttle
        for (int from = 0; from < 30; from += 3) {
            sink.publish(metric, OrderWindows.start(from), OrderWindows.start(from + 3), OrderWindows.rows(from, from + 3));
        }
        List<String> first = delivered();
        for (int from = 0; from < 30; from += 3) {
            sink.publish(metric, OrderWindows.start(from), OrderWindows.start(from + 3), OrderWindows.rows(from, from + 3));
        }

        assertThat(first).isEqualTo(Crossings.expected(30, THROTTLE)).isNotEmpty();
        assertThat(fake.received()).hasSameSizeAs(first);
        assertThat(fake.received()).allSatisfy(r -> assertThat(r.id()).isEqualTo(readId(r.body())));
    }

    /** Where the simulated crash hits one notification: before the send, after the send, after marking it sent. */
    @ParameterizedTest
    @CsvSource({
            // step, topic, received, delivered
            "before-send, " + STANDARD_TOPIC + ", 1, 1",
            "after-send, " + STANDARD_TOPIC + ", 2, 2",
            "after-send, " + FIFO_TOPIC + ", 2, 1",
    })
    void aCrashAtAnyStepNeitherLosesTheNotificationNorSendsItUnderAnotherId(String step, String topic, int received,
                                                                            int delivered) {
        MetricSpec metric = metric(topic);
        SnsOutput real = new SnsOutput(sns, QUICK);
        OutputTransport crashing = (target, records) -> {
            if (step.equals("after-send")) {
                real.send(target, records);
            }
            throw new IllegalStateException("simulated crash " + step);
        };
        // the range is the first window with a crossing
        String crossing = Crossings.expected(30, THROTTLE).get(0);
        int window = Integer.parseInt(crossing.split(" ")[0]);
        var rows = OrderWindows.rows(window, window + 1);

        assertThatThrownBy(() -> sink(crashing).publish(metric, OrderWindows.start(window),
                OrderWindows.start(window + 1), rows)).hasMessage("simulated crash " + step);
        sink(real).publish(metric, OrderWindows.start(window), OrderWindows.start(window + 1), rows);
        sink(real).publish(metric, OrderWindows.start(window), OrderWindows.start(window + 1), rows);

        List<String> crossingsInWindow = Crossings.expected(30, THROTTLE).stream()
                .filter(c -> c.startsWith(window + " ")).toList();
        // the crash hit the first notification of the window; any others in it are sent once, after the restart
        assertThat(fake.received()).hasSize(received + crossingsInWindow.size() - 1);
        assertThat(delivered()).hasSize(delivered + crossingsInWindow.size() - 1);
        assertThat(fake.received().stream().map(OutputServicesFake.Received::id).distinct())
                .hasSize(crossingsInWindow.size());
    }

    @Test
    void aRestartAfterMarkingSentButBeforeThePublisherRecordedTheRangeSendsNothing() {
        MetricSpec metric = metric(FIFO_TOPIC);
        sink(new SnsOutput(sns, QUICK)).publish(metric, OrderWindows.start(0), OrderWindows.start(10),
                OrderWindows.rows(0, 10));
        int sent = fake.received().size();

        sink(new SnsOutput(sns, QUICK)).publish(metric, OrderWindows.start(0), OrderWindows.start(10),
                OrderWindows.rows(0, 10));

        assertThat(sent).isEqualTo(Crossings.expected(10, THROTTLE).size());
        assertThat(fake.received()).hasSize(sent);
    }

    @Test
    void eventBridgeGetsOneEventPerCrossingWithTheIdInItsDetail() {
        MetricSpec metric = OrderWindows.metric(Duration.ZERO, new OutputSpec(OutputSpec.Kind.EVENTBRIDGE, "ops"));
        fake.failNext(OutputServicesFake.Service.EVENTBRIDGE, 1);
        try (EventBridgeClient eventBridge = fakeClients.eventBridge()) {
            AlertSink sink = new AlertSink(OutputSpec.Kind.EVENTBRIDGE, ledger, new EventBridgeOutput(eventBridge, QUICK));
            sink.publish(metric, OrderWindows.start(0), OrderWindows.start(6), OrderWindows.rows(0, 6));
            sink.publish(metric, OrderWindows.start(0), OrderWindows.start(6), OrderWindows.rows(0, 6));
        }

        assertThat(delivered()).isEqualTo(Crossings.expected(6, Duration.ZERO));
        assertThat(fake.received()).allSatisfy(r -> {
            assertThat(r.target()).isEqualTo("ops");
            assertThat(readId(r.body())).isEqualTo(OutputRecord.id(OrderWindows.row(
                    Integer.parseInt(windowAndType(r.body()).split(" ")[0]), windowAndType(r.body()).split(" ")[1])));
        });
    }

    private static String readId(String body) {
        try {
            return JSON.readTree(body).get("id").asText();
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
