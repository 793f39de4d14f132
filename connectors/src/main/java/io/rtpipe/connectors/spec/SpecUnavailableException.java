package io.rtpipe.connectors.spec;

/**
 * A metric spec that cannot be read at all (no such file or object, access denied, S3 unreachable): one sentence
 * naming its location. A configuration error, like a mistake in the spec (the cli exits with status 2 on both).
 */
public final class SpecUnavailableException extends IllegalArgumentException {

    public SpecUnavailableException(String message) {
        super(message);
    }
}
