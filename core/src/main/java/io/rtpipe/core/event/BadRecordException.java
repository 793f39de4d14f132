package io.rtpipe.core.event;

/** A record a binary decoder cannot read; the message is the dead letter's one-sentence reason. */
final class BadRecordException extends RuntimeException {
    BadRecordException(String reason) {
        super(reason, null, false, false);
    }
}
