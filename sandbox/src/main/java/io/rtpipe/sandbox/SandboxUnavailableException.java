package io.rtpipe.sandbox;

/**
 * The selected backend cannot run on this machine at all (for example LocalStack without a Docker engine). Tests
 * treat this as "skip", never as a failure; {@code rtpipe local} reports the message.
 */
public final class SandboxUnavailableException extends SandboxException {

    public SandboxUnavailableException(String message) {
        super(message);
    }
}
