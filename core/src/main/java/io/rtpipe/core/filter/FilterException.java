package io.rtpipe.core.filter;

/** A filter expression that does not compile; the message is one line from CEL with the column. */
public final class FilterException extends IllegalArgumentException {
    public FilterException(String message) {
        super(message);
    }
}
