package io.rtpipe.producer;

/** Why a record was not delivered. Every reason reaches the failure listener and the record's future. */
public enum FailureReason {
    /** Data plus partition key exceed the per-record limit; rejected before buffering. */
    RECORD_TOO_LARGE,
    /** The partition key is empty or longer than Kinesis allows (256 characters). */
    INVALID_PARTITION_KEY,
    /** Not acknowledged within the record TTL; the message carries the last error seen. */
    TTL_EXPIRED,
    /** Kinesis answered with an error that retrying cannot fix (missing stream, access denied, KMS key, ...). */
    NON_RETRYABLE_ERROR,
    /** The producer was closed before the record could be acknowledged. */
    PRODUCER_CLOSED
}
