package io.rtpipe.reliability.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code rtpipe consume} JVM, its output in its own log file. Stopped only through its own {@link Process}
 * handle: {@link #kill()} is {@code kill -9}, {@link #terminate(Duration)} is SIGTERM (the worker's graceful stop).
 * {@link #close()} kills it if it still runs, so a failed scenario leaves no process behind.
 */
public final class WorkerProcess implements AutoCloseable {

    private static final Pattern PEAK_HEAP = Pattern.compile("peak heap ([0-9,]+) MB");

    private final String workerId;
    private final Process process;
    private final Path log;

    private WorkerProcess(String workerId, Process process, Path log) {
        this.workerId = workerId;
        this.process = process;
        this.log = log;
    }

    /** Starts a worker with the settings' endpoints. */
    public static WorkerProcess start(WorkerSettings settings, String workerId) {
        return start(settings, workerId, null);
    }

    /** Starts a worker whose DynamoDB calls go to {@code dynamoDbEndpoint} (a fault proxy) instead. */
    public static WorkerProcess start(WorkerSettings settings, String workerId, URI dynamoDbEndpoint) {
        try {
            Files.createDirectories(settings.logDir());
            Path log = settings.logDir().resolve(workerId + ".log");
            ProcessBuilder builder = new ProcessBuilder(settings.command(workerId, dynamoDbEndpoint))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.put("AWS_REGION", settings.aws().region());
            env.put("AWS_EC2_METADATA_DISABLED", "true");
            env.remove("AWS_PROFILE");
            return new WorkerProcess(workerId, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start worker " + workerId, e);
        }
    }

    public String workerId() {
        return workerId;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /**
     * The peak heap the worker's last status line reported ({@code rtpipe consume} appends {@code peak heap N MB}
     * every {@code --status-every}), or empty before its first one. A killed worker's figure is from its last line.
     */
    public OptionalLong peakHeapMegabytes() {
        OptionalLong last = OptionalLong.empty();
        try {
            // Latin-1: any byte decodes, whatever a library logged.
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                Matcher m = PEAK_HEAP.matcher(line);
                if (m.find()) {
                    last = OptionalLong.of(Long.parseLong(m.group(1).replace(",", "")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + log, e);
        }
        return last;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: no shutdown hook, no final checkpoint, leases left to expire. Returns once it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM: the worker hands its leases over and exits. Killed if it has not exited within {@code timeout}.
     *
     * @return true if it exited by itself within the timeout
     */
    public boolean terminate(Duration timeout) {
        process.destroy();
        if (awaitExit(timeout)) {
            return true;
        }
        kill();
        return false;
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return workerId + " (pid " + process.pid() + ", log " + log + ")";
    }
}
