package io.rtpipe.producer.source;

import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.RecordFailedException;
import io.rtpipe.producer.RecordFailure;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class StdinSourceTest {

    @Test
    void sendsEachNonBlankLineAndReturnsOnlyWhenAllAreSettled() throws Exception {
        String input = "{\"a\":1}\r\n\n   \n{\"a\":2}\n{\"long\":\"" + "x".repeat(50) + "\"}\n{\"fail\":3}\n{\"a\":4}";
        List<String> sent = new ArrayList<>();
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        List<StdinSource.SkippedLine> skippedLines = new ArrayList<>();
        try (StdinSource source = new StdinSource(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), 30,
                skippedLines::add)) {
            long acknowledged = source.run(event -> {
                String text = new String(event, StandardCharsets.UTF_8);
                sent.add(text);
                CompletableFuture<Object> outcome = new CompletableFuture<>();
                // Outcomes arrive later, on another thread, as the producer's do.
                later.schedule(() -> {
                    if (text.contains("fail")) {
                        outcome.completeExceptionally(new RecordFailedException(new RecordFailure(event, "k",
                                FailureReason.TTL_EXPIRED, "expired", 2)));
                    } else {
                        outcome.complete("stored");
                    }
                }, 200, TimeUnit.MILLISECONDS);
                return outcome;
            });
            assertThat(sent).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"fail\":3}", "{\"a\":4}");
            assertThat(acknowledged).isEqualTo(3);
            assertThat(source.failed()).isEqualTo(1);
            assertThat(source.skipped()).isEqualTo(1);
            // Line 5 as an editor numbers it (the blank lines 2 and 3 count), 61 bytes, of which 31 are kept.
            assertThat(skippedLines).singleElement().satisfies(line -> {
                assertThat(line.lineNumber()).isEqualTo(5);
                assertThat(line.bytes()).isEqualTo(61);
                assertThat(new String(line.head(), StandardCharsets.UTF_8)).isEqualTo("{\"long\":\"" + "x".repeat(22));
            });
        } finally {
            later.shutdownNow();
        }
    }
}
