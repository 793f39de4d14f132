package io.rtpipe.producer.source;

/**
 * A source that sends each line of a byte stream as one event (stdin, a tailed file). A line longer than
 * {@link #maxLineBytes()} could never be one Kinesis record: it is not sent, and the caller must report
 * {@link #skipped()} as a failure, so no line goes missing behind the user's back.
 */
public interface LineSource extends AcknowledgingSource {

    /** Lines longer than this many bytes (without the line break) are skipped. */
    int maxLineBytes();

    /** Lines skipped so far for being longer than {@link #maxLineBytes()}. */
    long skipped();
}
