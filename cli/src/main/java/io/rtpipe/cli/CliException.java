package io.rtpipe.cli;

/** An error the user can fix: its message is one sentence shown as is, with the given exit code. */
public final class CliException extends RuntimeException {

    /** Exit code for bad input or configuration (picocli uses 2 for bad flags too). */
    public static final int USAGE = 2;
    /** Exit code for a run that completed but whose checks failed, or a failure of the environment. */
    public static final int FAILED = 1;

    private final int exitCode;

    public CliException(String message) {
        this(message, USAGE);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
