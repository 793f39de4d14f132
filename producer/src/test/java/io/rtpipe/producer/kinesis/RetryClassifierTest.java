package io.rtpipe.producer.kinesis;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class RetryClassifierTest {

    @Test
    void entryErrorsOfThrottlingAndInternalFailureAreRetriedKmsConfigurationIsNot() {
        assertThat(RetryClassifier.isRetryableEntryError("ProvisionedThroughputExceededException")).isTrue();
        assertThat(RetryClassifier.isRetryableEntryError("InternalFailure")).isTrue();
        assertThat(RetryClassifier.isRetryableEntryError("KMSThrottlingException")).isTrue();
        assertThat(RetryClassifier.isRetryableEntryError("KMSAccessDeniedException")).isFalse();
        assertThat(RetryClassifier.isRetryableEntryError("KMSNotFoundException")).isFalse();
    }

    @Test
    void wholeRequestErrorsAreRetriedUnlessTheRequestItselfIsWrong() {
        assertThat(RetryClassifier.isRetryable(new CompletionException(
                SdkClientException.create("connect failed", new ConnectException("refused"))))).isTrue();
        assertThat(RetryClassifier.isRetryable(service(ProvisionedThroughputExceededException.builder(), 400,
                "ProvisionedThroughputExceededException"))).isTrue();
        assertThat(RetryClassifier.isRetryable(service(KinesisException.builder(), 500, "InternalFailure"))).isTrue();
        assertThat(RetryClassifier.isRetryable(service(KinesisException.builder(), 503, "ServiceUnavailable"))).isTrue();
        assertThat(RetryClassifier.isRetryable(service(ResourceNotFoundException.builder(), 400,
                "ResourceNotFoundException"))).isFalse();
        assertThat(RetryClassifier.isRetryable(service(KinesisException.builder(), 400, "SomethingMalformed"))).isFalse();
    }

    @Test
    void describesServiceErrorsByCodeAndStatus() {
        Throwable e = new CompletionException(service(ResourceNotFoundException.builder(), 400,
                "ResourceNotFoundException"));
        assertThat(RetryClassifier.describe(e)).startsWith("ResourceNotFoundException (HTTP 400)");
    }

    private static Throwable service(KinesisException.Builder builder, int status, String code) {
        return builder.statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("test").build())
                .message("test").build();
    }
}
