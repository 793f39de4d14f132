package io.rtpipe.sandbox.process;

import io.rtpipe.sandbox.SandboxException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child process the sandbox owns: started with its output going to a log file (never the console), awaited until
 * it answers, and stopped by its own PID. A process that dies or never answers produces an error naming it, its log
 * file and the last lines of that log.
 */
public final class ManagedProcess {

    /** Grace period between a polite stop (SIGTERM) and a forced one (SIGKILL). */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private static final int LOG_TAIL_LINES = 20;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    /** A readiness check: true when the process answers. Exceptions count as "not yet". */
    @FunctionalInterface
    public interface Probe {
        boolean ready() throws Exception;
    }

    private final String name;
    private final Path logFile;
    private final Process process;

    private ManagedProcess(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Starts {@code command} in {@code workingDir} with {@code extraEnv} added to this JVM's environment; stdout and
     * stderr are appended to {@code logFile}.
     */
    public static ManagedProcess start(String name, List<String> command, Path workingDir, Map<String, String> extraEnv,
                                       Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            var builder = new ProcessBuilder(new ArrayList<>(command))
                    .directory(workingDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(extraEnv);
            return new ManagedProcess(name, logFile, builder.start());
        } catch (IOException e) {
            throw new SandboxException("Could not start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Polls {@code probe} every 100 ms until it answers true; fails fast if the process exits, and after
     * {@code timeout} otherwise.
     */
    public void awaitReady(Probe probe, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            if (!process.isAlive()) {
                throw failure("exited with code " + process.exitValue() + " before it was ready", null);
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() > deadline) {
                throw failure("did not answer within " + timeout.toSeconds() + " s", lastFailure);
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("start was interrupted", e);
            }
        }
    }

    /** Error for this process: names it, its PID, its log file and shows the log's last lines. */
    public SandboxException failure(String what, Throwable cause) {
        return new SandboxException(name + " (pid " + pid() + ") " + what + "; its log is " + logFile
                + (cause == null ? "" : "; last probe error: " + cause)
                + "; last lines:\n" + logTail(logFile, LOG_TAIL_LINES), cause);
    }

    /**
     * Stops the process (and any children it spawned) by PID: SIGTERM, then SIGKILL after {@link #STOP_GRACE}.
     * Idempotent; returns once the process is gone.
     */
    public void stop() {
        var descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** The last {@code lines} lines of a log file, or a note saying why there are none. */
    public static String logTail(Path logFile, int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "  (no log written)";
            }
            // Lenient decoding: an emulator may log bytes that are not UTF-8.
            List<String> all = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList();
            if (all.isEmpty()) {
                return "  (log is empty)";
            }
            var tail = new StringBuilder();
            for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
                tail.append("  ").append(line).append('\n');
            }
            return tail.toString();
        } catch (IOException | RuntimeException e) {
            return "  (could not read log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ", log " + logFile + ")";
    }
}
