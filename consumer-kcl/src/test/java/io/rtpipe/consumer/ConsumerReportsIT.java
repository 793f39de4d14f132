package io.rtpipe.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.consumer.testing.ConsumerFixture;
import io.rtpipe.consumer.testing.StreamFeeder;
import io.rtpipe.consumer.testing.TestEvents;
import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.RequiresBackend;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker with metrics and a health file on the sandbox: the EMF lines it prints add up to what the test put, the
 * health file says it processes while it does and is gone when the worker stops, and a sink outage shows up as write
 * failures and, past the age limit, as an unhealthy worker.
 */
@ExtendWith(SandboxExtension.class)
class ConsumerReportsIT {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** EMF lines printed so far, parsed. */
    private static List<JsonNode> lines(ByteArrayOutputStream out) {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    parsed.add(JSON.readTree(line));
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return parsed;
    }

    private static long sum(List<JsonNode> lines, String metric) {
        return lines.stream().mapToLong(l -> l.get(metric).asLong()).sum();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void metricsAddUpToWhatWasPutAndTheHealthFileFollowsTheWorker(LocalAws aws, @TempDir Path dir) throws Exception {
        Path health = dir.resolve("health");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReportConfig reports = new ReportConfig("rtpipe-test", health, Duration.ofMillis(300), Duration.ofMinutes(5));
        try (var fx = new ConsumerFixture(aws, 2)) {
            List<TestEvents.Event> events = TestEvents.generate(T0, Duration.ofMinutes(3), 400, 5);
            List<StreamFeeder.Put> puts = fx.put(TestEvents.payloads(events));
            var consumer = new KclConsumer(fx.config().build(), fx.clients, reports,
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                consumer.start();
                assertThat(consumer.awaitCaughtUp(Instant.now(), Duration.ofSeconds(60))).isTrue();
                ConsumerFixture.await(Duration.ofSeconds(30),
                        () -> sum(lines(out), "RecordsProcessed") == puts.size(), "EMF lines counting every record");
                ConsumerFixture.await(Duration.ofSeconds(30), () -> read(health).startsWith("processing:"),
                        "a health file saying the worker processes");
                List<JsonNode> emf = lines(out);
                assertThat(emf).allSatisfy(l -> {
                    assertThat(l.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText())
                            .isEqualTo("rtpipe-test");
                    assertThat(l.get("Application").asText()).isEqualTo(fx.application);
                    assertThat(l.get("WorkerId").asText()).isEqualTo(consumer.config().workerId());
                });
                assertThat(sum(emf, "WriteFailures")).isZero();
                assertThat(emf.get(emf.size() - 1).get("ShardsHeld").asInt()).isEqualTo(2);
            } finally {
                consumer.drainAndStop(Duration.ofSeconds(20));
            }
            // Stopped: no line counted a record twice, and the health file is gone with the worker.
            assertThat(sum(lines(out), "RecordsProcessed")).isEqualTo(puts.size());
            assertThat(health).doesNotExist();
        }
    }

    @Test
    @RequiresBackend(value = Backend.EMULATORS, reason = "stops and restarts the S3 emulator")
    void aSinkOutageIsCountedAndTurnsTheWorkerUnhealthyPastTheAgeLimit(LocalAws aws, @TempDir Path dir)
            throws Exception {
        var faults = aws.faults().orElseThrow();
        Path health = dir.resolve("health");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReportConfig reports = new ReportConfig("rtpipe-test", health, Duration.ofMillis(300), Duration.ofSeconds(3));
        try (var fx = new ConsumerFixture(aws, 1)) {
            var consumer = new KclConsumer(fx.config()
                    .sinkRetry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20))).build(),
                    fx.clients, reports, new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                consumer.start();
                assertThat(consumer.awaitReady(Duration.ofSeconds(30))).isTrue();
                ConsumerFixture.await(Duration.ofSeconds(10), () -> Files.exists(health), "a health file");
                faults.stopS3();
                try {
                    // Records keep arriving while nothing can be checkpointed: a few every 200 ms, minutes apart in
                    // event time so windows fire and want writing.
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    for (int i = 0; Files.exists(health); i++) {
                        assertThat(System.nanoTime()).as("the health file deleted within 60 s").isLessThan(deadline);
                        fx.put(TestEvents.payloads(TestEvents.generate(T0.plusSeconds(60L * i), Duration.ofSeconds(1),
                                5, i)));
                        Thread.sleep(200);
                    }
                    assertThat(sum(lines(out), "WriteFailures")).isPositive();
                    List<JsonNode> emf = lines(out);
                    assertThat(emf.stream().mapToLong(l -> l.get("OldestUncheckpointedAgeMillis").asLong()).max()
                            .orElseThrow()).isGreaterThan(3000);
                } finally {
                    faults.startS3();
                }
                ConsumerFixture.await(Duration.ofSeconds(30), () -> read(health).startsWith("processing:"),
                        "healthy again once S3 is back and a checkpoint covered the records");
            } finally {
                consumer.shutdownNow();
            }
        }
    }
}
