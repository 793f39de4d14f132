package io.rtpipe.producer;

/** Completes a record's future when the record failed; carries the same {@link RecordFailure} the listener got. */
public final class RecordFailedException extends RuntimeException {

    private final transient RecordFailure failure;

    public RecordFailedException(RecordFailure failure) {
        super(failure.reason() + ": " + failure.message(), null, false, false);
        this.failure = failure;
    }

    public RecordFailure failure() {
        return failure;
    }
}
