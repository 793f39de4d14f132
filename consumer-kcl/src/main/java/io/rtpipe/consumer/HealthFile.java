package io.rtpipe.consumer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * The health file a container health check reads without a JVM: it exists, freshly modified, exactly while the
 * worker is healthy. {@link #write} replaces it atomically (temp file and rename, so a reader never sees half a
 * file) with one line naming the state; an unhealthy verdict deletes it. The check is then a shell test of the
 * file's age (ConsumerStack: {@code find FILE -mmin -N}), which also fails when the worker hangs and stops writing.
 */
final class HealthFile {

    private final Path file;

    HealthFile(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    Path path() {
        return file;
    }

    void write(WorkerHealth.Status status) {
        try {
            if (!status.healthy()) {
                delete();
                return;
            }
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, status.state() + ": " + status.reason() + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the health file " + file + ": " + e.getMessage(), e);
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the health file " + file + ": " + e.getMessage(), e);
        }
    }
}
