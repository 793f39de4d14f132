package io.rtpipe.cli.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The bundled logback configurations: ISO-8601 text, JSON lines with ISO-8601 times, and the known KCL noise dropped. */
class LoggingTest {

    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String logged(Logging.Format format, String logger, String message) {
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Logging.use(format); // the console appender starts on the replaced stderr
        LoggerFactory.getLogger(logger).warn(message);
        System.err.flush();
        return err.toString(StandardCharsets.UTF_8);
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        Logging.use(Logging.Format.text);
    }

    @Test
    void textLinesCarryIso8601UtcTimes() {
        assertThat(logged(Logging.Format.text, "io.rtpipe.consumer.KclConsumer", "lease lost"))
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z WARN  KclConsumer - lease lost\\R");
    }

    @Test
    void jsonLinesAreOneObjectEach() throws Exception {
        String line = logged(Logging.Format.json, "io.rtpipe.consumer.KclConsumer", "lease \"lost\"").strip();
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("loggerName").asText()).isEqualTo("io.rtpipe.consumer.KclConsumer");
        assertThat(json.get("formattedMessage").asText()).isEqualTo("lease \"lost\"");
        // ISO-8601 UTC, as AWS tooling writes times; the time of this very call, so not any string of that shape.
        Instant logged = Instant.parse(json.get("timestamp").asText());
        assertThat(json.get("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Duration.between(logged, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
        assertThat(json.fieldNames()).toIterable().containsOnlyOnce("timestamp");
        assertThat(line).doesNotContain("\n");
    }

    @Test
    void kclsSecondShutdownWarningIsDroppedButItsOtherWarningsAreNot() {
        assertThat(logged(Logging.Format.text, "software.amazon.kinesis.coordinator.Scheduler",
                "Shutdown requested a second time.")).isEmpty();
        assertThat(logged(Logging.Format.text, "software.amazon.kinesis.coordinator.Scheduler",
                "Worker shutdown requested.")).contains("WARN  Scheduler - Worker shutdown requested.");
    }

    @Test
    void nettysPerConnectionWarningsStayOffTheConsole() {
        // A dead or wrong endpoint: rtpipe says so in one sentence (EndpointProblem), Netty's stack traces are noise.
        assertThat(logged(Logging.Format.text, "io.netty.channel.DefaultChannelPipeline",
                "An exceptionCaught() event was fired, and it reached at the tail of the pipeline.")).isEmpty();
    }
}
