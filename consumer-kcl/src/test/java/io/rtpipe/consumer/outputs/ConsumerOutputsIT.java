package io.rtpipe.consumer.outputs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.PublishCursors;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.spec.SpecLoader;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.fakes.OutputServicesFake;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consumer's publisher end to end: events through the Kinesis emulator into a KCL consumer whose spec names a
 * {@code kinesis:} output (on the emulator) and an {@code sns:} alert (on the loopback fake). Every final window
 * reaches the output stream with the test's own count, every crossing window and key notifies once; a new consumer
 * of the same application (a restart after a crash that lost the publish cursors, so it republishes everything)
 * sends no crossing again and puts each row at most once more, same bytes.
 */
@ExtendWith(SandboxExtension.class)
class ConsumerOutputsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:alerts";
    /** "minute type" by minute, then type. */
    private static final Comparator<String> BY_WINDOW =
            Comparator.comparing((String row) -> Integer.parseInt(row.split(" ")[0])).thenComparing(row -> row);
    /** Enough partition keys that the late tick events reach every shard and move its watermark on. */
    private static final int TICKS = 64;

    /** Window minute and type of each event put; the test's ground truth. */
    private record Event(int minute, String type) {
        byte[] json(int second) {
            long ts = T0.plus(Duration.ofMinutes(minute)).plusSeconds(second).toEpochMilli();
            return ("{\"ts\":" + ts + ",\"type\":\"" + type + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyFinalWindowReachesTheStreamAndEachCrossingNotifiesOnceAcrossARestart(LocalAws aws) throws Exception {
        String outputStream = unique("results-out");
        aws.createStream(outputStream, 1);
        EngineConfig engine = SpecLoader.standard().parse("orders.yaml", """
                metrics:
                  - name: orders
                    group_by: [type]
                    timestamp: ts
                    window: {type: tumbling, size: 1m}
                    aggregates: [{name: count, fn: count}]
                    outputs:
                      - {kinesis: %s}
                      - {sns: "%s"}
                    alert: {when: "count > 5 && key.type == 'buy'"}
                """.formatted(outputStream, TOPIC));
        // minute m has m+1 buys and 3 clicks: buys cross from minute 5 on; clicks never do
        List<Event> first = new ArrayList<>();
        for (int minute = 0; minute < 10; minute++) {
            for (int i = 0; i <= minute; i++) {
                first.add(new Event(minute, "buy"));
            }
            for (int i = 0; i < 3; i++) {
                first.add(new Event(minute, "click"));
            }
        }
        List<Event> second = new ArrayList<>();
        for (int minute = 13; minute < 16; minute++) {
            for (int i = 0; i < 2 * minute - 20; i++) { // 6, 8, 10 buys: all cross
                second.add(new Event(minute, "buy"));
            }
        }

        try (var fx = new ConsumerFixture(aws, 2); OutputServicesFake fake = OutputServicesFake.start();
             KinesisAsyncClient reader = aws.clients().kinesisAsync()) {
            // the sandbox's services and the fake's SNS endpoint: the publisher adds SNS to the services
            AwsClients clients = new AwsClients(fx.clients.config().toBuilder().snsEndpoint(fake.endpoint()).build());
            // no idle advance: the ticks' window must stay open however long the test waits
            ConsumerConfig config = fx.config().engine(engine).idleWatermarkAfter(Duration.ZERO).build();

            KclConsumer consumer = fx.consumer(config, clients);
            consumer.start();
            fx.put(payloads(first, 12));
            Map<String, Long> expected = expectedRows(first, 12);
            awaitOutputs(reader, outputStream, fake, expected.keySet(), alerts(expected).size());

            assertThat(counts(OutputSinksIT.readAll(reader, outputStream))).isEqualTo(expected);
            assertThat(alertsReceived(fake)).isEqualTo(alerts(expected));

            consumer.stopGracefully(Duration.ofSeconds(30));
            // as if the worker died after publishing, before storing its cursors: the restart publishes it all again
            try (DynamoDbClient dynamoDb = fx.clients.dynamoDb()) {
                PublishCursors cursors = new PublishCursors(dynamoDb, config.resultsTableName(), Clock.systemUTC());
                cursors.reset("orders", "kinesis");
                cursors.reset("orders", "sns");
            }
            KclConsumer restarted = fx.consumer(config.toBuilder().workerId(config.workerId() + "-2").build(),
                    clients);
            restarted.start();
            List<Event> all = new ArrayList<>(first);
            all.addAll(ticks(12));
            all.addAll(second);
            fx.put(payloads(second, 18));
            Map<String, Long> expectedAfter = expectedRows(all, 18);
            awaitOutputs(reader, outputStream, fake, expectedAfter.keySet(), alerts(expectedAfter).size());

            List<String[]> records = OutputSinksIT.readAll(reader, outputStream);
            assertThat(counts(records)).isEqualTo(expectedAfter);
            // at least once: the rows before the restart came again, with the same bytes, but at most once more
            Map<String, List<String>> copies = new TreeMap<>();
            records.forEach(r -> copies.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]));
            copies.forEach((id, bodies) -> {
                assertThat(bodies).as(id).hasSizeBetween(1, 2);
                assertThat(new TreeSet<>(bodies)).as(id).hasSize(1);
            });
            assertThat(alertsReceived(fake)).isEqualTo(alerts(expectedAfter));
            assertThat(fake.received()).extracting(OutputServicesFake.Received::target).containsOnly(TOPIC);
            restarted.stopGracefully(Duration.ofSeconds(30));
        }
    }

    /** The events, each second of its minute in put order, then {@link #TICKS} tick events at {@code tickMinute}. */
    private static List<byte[]> payloads(List<Event> events, int tickMinute) {
        List<byte[]> payloads = new ArrayList<>();
        Map<Integer, Integer> seconds = new TreeMap<>();
        for (Event event : events) {
            payloads.add(event.json(seconds.merge(event.minute(), 1, Integer::sum) % 50));
        }
        ticks(tickMinute).forEach(tick -> payloads.add(tick.json(30)));
        return payloads;
    }

    private static List<Event> ticks(int minute) {
        return Collections.nCopies(TICKS, new Event(minute, "tick"));
    }

    /**
     * "minute type" to count of each final window and key: every window before the last ticks' (those ticks'
     * window is still open, as the watermark is half a minute into it).
     */
    private static Map<String, Long> expectedRows(List<Event> events, int tickMinute) {
        Map<String, Long> rows = new TreeMap<>();
        events.stream().filter(e -> e.minute() < tickMinute)
                .forEach(e -> rows.merge(e.minute() + " " + e.type(), 1L, Long::sum));
        return rows;
    }

    /** The crossings among the rows: count > 5 and type buy, by window (no throttle). */
    private static List<String> alerts(Map<String, Long> rows) {
        return rows.entrySet().stream().filter(e -> e.getKey().endsWith(" buy") && e.getValue() > 5)
                .map(Map.Entry::getKey).sorted(BY_WINDOW).toList();
    }

    private static void awaitOutputs(KinesisAsyncClient reader, String stream, OutputServicesFake fake,
                                     Set<String> rows, int alerts) throws InterruptedException {
        ConsumerFixture.await(Duration.ofSeconds(120), () -> counts(OutputSinksIT.readAll(reader, stream)).keySet()
                .containsAll(rows) && fake.received().size() >= alerts, rows.size() + " rows and " + alerts
                + " alerts published");
    }

    /** "minute type" to count of each distinct record, checking that its partition key is its id. */
    private static Map<String, Long> counts(List<String[]> records) {
        Map<String, Long> counts = new TreeMap<>();
        for (String[] record : records) {
            JsonNode body = read(record[1]);
            assertThat(body.get("id").asText()).isEqualTo(record[0]);
            assertThat(body.get("final").asBoolean()).isTrue();
            Long count = body.get("values").get("count").asLong();
            Long before = counts.put(windowAndType(body), count);
            assertThat(before).as("a copy of %s has the same count", record[0]).isIn(null, count);
        }
        return counts;
    }

    /** "minute type" of each notification SNS received, by window; each id once. */
    private static List<String> alertsReceived(OutputServicesFake fake) {
        List<OutputServicesFake.Received> received = fake.received();
        assertThat(received.stream().map(OutputServicesFake.Received::id).distinct()).hasSameSizeAs(received);
        return received.stream().map(r -> windowAndType(read(r.body()))).sorted(BY_WINDOW).toList();
    }

    private static String windowAndType(JsonNode body) {
        long minutes = Duration.between(T0, Instant.parse(body.get("window_start").asText())).toMinutes();
        return minutes + " " + body.get("key").get("type").asText();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
