package io.rtpipe.producer;

/** Why a record was not delivered. Every reason reaches the failure listener and the record's future. */
public enum FailureReason {
    /** Data plus partition key exceed the per-record limit; rejected before buffering. */
    RECORD_TOO_LARGE("larger than Kinesis takes per record"),
    /** The partition key is empty or longer than Kinesis allows (256 characters). */
    INVALID_PARTITION_KEY("had a partition key Kinesis refuses"),
    /** Not acknowledged within the record TTL; the message carries the last error seen. */
    TTL_EXPIRED("not acknowledged by Kinesis within the record TTL of retries"),
    /** Kinesis answered with an error that retrying cannot fix (missing stream, access denied, KMS key, ...). */
    NON_RETRYABLE_ERROR("refused by Kinesis with an error retrying cannot fix"),
    /** The producer was closed before the record could be acknowledged. */
    PRODUCER_CLOSED("still unacknowledged when the producer was closed");

    private final String description;

    FailureReason(String description) {
        this.description = description;
    }

    /** What happened to a record that failed for this reason, as a phrase: "3 records TTL_EXPIRED: " + it. */
    public String description() {
        return description;
    }
}
