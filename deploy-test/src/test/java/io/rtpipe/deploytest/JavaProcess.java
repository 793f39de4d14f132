package io.rtpipe.deploytest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process with exactly the environment given (nothing inherited but PATH and HOME, so a variable of the developer's
 * shell cannot stand in for one the template fails to set), its stdout and stderr in log files. Stopped through its
 * own handle only: {@link #close()} sends SIGTERM, then kills it if it has not exited.
 */
final class JavaProcess implements AutoCloseable {

    /** Exit code and output of a process that ran to its end. */
    record Result(int exit, String stdout, String stderr) {}

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final List<String> command;

    private JavaProcess(Process process, Path stdout, Path stderr, List<String> command) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.command = command;
    }

    static JavaProcess start(List<String> command, Map<String, String> env, Path logDir, String name) {
        try {
            Files.createDirectories(logDir);
            Path out = logDir.resolve(name + ".out");
            Path err = logDir.resolve(name + ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> environment = builder.environment();
            String path = environment.get("PATH");
            String home = environment.get("HOME");
            environment.clear();
            if (path != null) {
                environment.put("PATH", path);
            }
            if (home != null) {
                environment.put("HOME", home);
            }
            environment.putAll(env);
            return new JavaProcess(builder.start(), out, err, command);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** Runs to its end with {@code stdin} as input; killed (and the test failed) if it runs longer than a bound. */
    static Result run(List<String> command, Map<String, String> env, String stdin, Path logDir, String name) {
        try (JavaProcess p = start(command, env, logDir, name)) {
            try (OutputStream in = p.process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            // A bound against a hung process, not a speed assertion.
            if (!p.process.waitFor(3, TimeUnit.MINUTES)) {
                throw new AssertionError(p.command + " did not finish within 3 minutes; output in " + p.stderr);
            }
            return new Result(p.process.exitValue(), p.stdout(), p.stderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Why it is no longer running, for failure messages: exit code and the end of its stderr. */
    String describeExit() {
        String err = stderr();
        return "pid " + pid() + " exited with code " + process.exitValue() + "; end of its stderr (" + stderr
                + "):\n" + err.substring(Math.max(0, err.length() - 3_000));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM (the consumer's graceful stop), then SIGKILL if it has not exited within 30 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
