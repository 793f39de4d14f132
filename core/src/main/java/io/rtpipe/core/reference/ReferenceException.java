package io.rtpipe.core.reference;

/**
 * A reference table that cannot be used (unreadable, malformed, over the size bound): one sentence naming the
 * reference, its source and what is wrong, such as {@code reference products (s3://b/products.csv): line 7 repeats
 * the key "p1" of line 3}.
 */
public final class ReferenceException extends RuntimeException {
    public ReferenceException(ReferenceSpec spec, String problem) {
        super("reference " + spec.name() + " (" + spec.source().location() + "): " + problem);
    }

    public ReferenceException(ReferenceSpec spec, String problem, Throwable cause) {
        super("reference " + spec.name() + " (" + spec.source().location() + "): " + problem, cause);
    }
}
