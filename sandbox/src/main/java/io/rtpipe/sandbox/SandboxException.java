package io.rtpipe.sandbox;

/** The sandbox could not be started, used or stopped; the message says why in one sentence (plus a log tail). */
public class SandboxException extends RuntimeException {

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
