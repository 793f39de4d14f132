package io.rtpipe.producer;

import java.util.Objects;

/**
 * A record the producer gave up on, with the reason.
 *
 * @param data         the payload as passed to {@code send} (not copied)
 * @param partitionKey the partition key it was (or would have been) put with
 * @param reason       why it failed
 * @param message      one sentence a person can act on, including the last error from Kinesis if any
 * @param attempts     PutRecords attempts made before giving up (0 = rejected before sending)
 */
public record RecordFailure(byte[] data, String partitionKey, FailureReason reason, String message, int attempts) {
    public RecordFailure {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return "RecordFailure{" + reason + ", key=" + partitionKey + ", bytes=" + data.length + ", attempts=" + attempts
                + ", " + message + "}";
    }
}
