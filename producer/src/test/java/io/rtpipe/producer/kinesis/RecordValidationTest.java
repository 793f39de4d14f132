package io.rtpipe.producer.kinesis;

import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.RecordFailedException;
import io.rtpipe.producer.RecordFailure;
import io.rtpipe.producer.partition.Utf8;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Records Kinesis would refuse are rejected in {@code send}, through the listener and the future, before any I/O. */
class RecordValidationTest {

    private static final int ONE_MIB = 1024 * 1024;

    @Test
    void rejectsRecordsAboveOneMibCountingThePartitionKeyAndAcceptsOneMibExactly() throws Exception {
        List<RecordFailure> failures = new CopyOnWriteArrayList<>();
        // Port 9 on loopback: nothing listens; the accepted record just fails at close, never leaves the machine.
        try (KinesisAsyncClient client = KinesisAsyncClient.builder().region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
             KinesisBatchProducer producer = KinesisBatchProducer.create(client, ProducerConfig.builder("s")
                     .failureListener(failures::add).closeTimeout(Duration.ofMillis(100))
                     .requestTimeout(Duration.ofMillis(500))
                     .linger(Duration.ofHours(1)).build())) {

            String key = "key-7"; // 5 bytes
            var tooLarge = producer.send(key, new byte[ONE_MIB - 4]);
            assertThat(tooLarge).isCompletedExceptionally();
            assertThatThrownBy(tooLarge::join).hasCauseInstanceOf(RecordFailedException.class)
                    .hasMessageContaining("1048577 bytes").hasMessageContaining("1048576 bytes per record");
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo(FailureReason.RECORD_TOO_LARGE);
                assertThat(f.partitionKey()).isEqualTo(key);
                assertThat(f.attempts()).isZero();
            });

            var exactlyOneMib = producer.send(key, new byte[ONE_MIB - 5]);
            assertThat(exactlyOneMib).isNotDone();

            var badKey = producer.send("k".repeat(257), "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(badKey).isCompletedExceptionally();
            assertThat(failures).hasSize(2).last().extracting(RecordFailure::reason)
                    .isEqualTo(FailureReason.INVALID_PARTITION_KEY);

            var metrics = producer.metrics();
            assertThat(metrics.recordsAccepted()).isEqualTo(1);
            assertThat(metrics.bufferedBytes()).isEqualTo(ONE_MIB);
            assertThat(metrics.failuresByReason()).containsEntry(FailureReason.RECORD_TOO_LARGE, 1L)
                    .containsEntry(FailureReason.INVALID_PARTITION_KEY, 1L);
        }
        assertThat(failures).hasSize(3).last().extracting(RecordFailure::reason)
                .isEqualTo(FailureReason.PRODUCER_CLOSED);
    }

    @Test
    void countsMultiByteKeyCharactersAsUtf8Bytes() {
        assertThat(Utf8.length("abc")).isEqualTo("abc".getBytes(StandardCharsets.UTF_8).length);
        for (String s : List.of("caf\u00e9", "\u20ac100", new String(Character.toChars(0x1F600)) + "x", "\u00e9\u00e9")) {
            assertThat(Utf8.length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }
}
