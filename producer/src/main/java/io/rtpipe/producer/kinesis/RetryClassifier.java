package io.rtpipe.producer.kinesis;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Decides which PutRecords failures are worth another attempt. Unknown errors are retried: the record TTL bounds the
 * cost, while giving up early on a transient error would lose data. Only errors that cannot heal by themselves fail
 * the record at once.
 */
final class RetryClassifier {

    /** Per-entry and whole-request error codes that retrying cannot fix. */
    private static final Set<String> NON_RETRYABLE_CODES = Set.of(
            "ResourceNotFoundException",
            "InvalidArgumentException",
            "ValidationException",
            "AccessDeniedException",
            "UnrecognizedClientException",
            "KMSDisabledException",
            "KMSInvalidStateException",
            "KMSAccessDeniedException",
            "KMSNotFoundException",
            "KMSOptInRequired");

    private RetryClassifier() {
    }

    /** For a per-entry {@code ErrorCode} of a PutRecords response (ProvisionedThroughputExceeded, InternalFailure, ...). */
    static boolean isRetryableEntryError(String errorCode) {
        return !NON_RETRYABLE_CODES.contains(errorCode);
    }

    /** For an exception that failed a whole PutRecords call. */
    static boolean isRetryable(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() != null ? service.awsErrorDetails().errorCode() : null;
            if (code != null && NON_RETRYABLE_CODES.contains(code)) {
                return false;
            }
            int status = service.statusCode();
            // 4xx other than throttling means the request itself is wrong (or unauthorised): resending cannot help.
            return status < 400 || status >= 500 || status == 429 || service.isThrottlingException();
        }
        // Connection errors, timeouts, interrupted transfers (SdkClientException and the like): try again.
        return true;
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** One line describing the error for a failure message. */
    static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
                    + service.awsErrorDetails().errorMessage();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
