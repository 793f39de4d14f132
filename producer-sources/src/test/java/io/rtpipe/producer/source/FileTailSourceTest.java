package io.rtpipe.producer.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Event ids of the file tail across copytruncate and restarts (the kill test covers rotation by rename). */
class FileTailSourceTest {

    @TempDir
    Path dir;

    private final List<String> sent = new CopyOnWriteArrayList<>();

    @Test
    void linesAfterACopytruncateGetIdsOfANewTruncationCountKeptAcrossRestarts() throws Exception {
        Path log = dir.resolve("app.log");
        Path state = dir.resolve("app.log.state");
        String first = "{\"n\":1}\n";
        Files.writeString(log, first + "plain text\n");
        String key = Files.readAttributes(log, BasicFileAttributes.class).fileKey().toString();

        try (Running tail = new Running(log, state)) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> sent.size() == 2);
            // Truncated and rewritten shorter than the tail's offset (16): it must start over whenever it looks.
            Files.writeString(log, "{\"n\":2}\n", StandardOpenOption.TRUNCATE_EXISTING);
            await().atMost(10, TimeUnit.SECONDS).until(() -> sent.size() == 3);
        }
        Files.writeString(log, "{\"n\":3}\n", StandardOpenOption.APPEND);
        try (Running tail = new Running(log, state)) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> sent.size() == 4);
        }
        assertThat(sent).containsExactly(
                "{\"event_id\":\"" + key + ":0:0\",\"n\":1}",
                "plain text",
                "{\"event_id\":\"" + key + ":1:0\",\"n\":2}",
                "{\"event_id\":\"" + key + ":1:8\",\"n\":3}");
    }

    /** The source on a thread of its own, acknowledging every line at once; closing waits for it to end. */
    private final class Running implements AutoCloseable {
        private final FileTailSource source;
        private final Thread thread;

        Running(Path log, Path state) {
            source = FileTailSource.builder(log, state).pollInterval(Duration.ofMillis(10)).build();
            thread = new Thread(() -> {
                try {
                    source.run(line -> {
                        sent.add(new String(line, StandardCharsets.UTF_8));
                        return CompletableFuture.completedFuture(null);
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            source.close();
            thread.join(10_000);
            assertThat(thread.isAlive()).isFalse();
        }
    }
}
