package io.rtpipe.sandbox;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Names for streams, tables, buckets and applications that no other test or run on the same backend uses, so tests
 * can share one sandbox.
 */
public final class UniqueNames {

    /** Lowercase so that every name is also a valid S3 bucket name once the suffix is added. */
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

    private UniqueNames() {
    }

    /**
     * {@code prefix} plus a hyphen and 8 random hex digits, e.g. {@code orders-3f2a9c01}: a valid Kinesis stream,
     * DynamoDB table and S3 bucket name.
     *
     * @throws IllegalArgumentException if {@code prefix} is not 1-41 lowercase letters, digits or hyphens
     */
    public static String unique(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("A name prefix must be 1-41 lowercase letters, digits or hyphens "
                    + "(starting with a letter or digit), got '" + prefix + "'.");
        }
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
