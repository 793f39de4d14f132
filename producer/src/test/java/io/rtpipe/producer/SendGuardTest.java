package io.rtpipe.producer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendGuardTest {

    @Test
    void sizeCountsDataPlusTheKeysUtf8BytesAsKinesisDoes() {
        assertThat(SendGuard.recordBytes("é", new byte[10])).isEqualTo(12);
        assertThat(SendGuard.check("k", new byte[SendGuard.KINESIS_MAX_RECORD_BYTES - 1],
                SendGuard.KINESIS_MAX_RECORD_BYTES)).isNull();
        SendGuard.Refusal tooLarge = SendGuard.check("kk", new byte[SendGuard.KINESIS_MAX_RECORD_BYTES - 1],
                SendGuard.KINESIS_MAX_RECORD_BYTES);
        assertThat(tooLarge.reason()).isEqualTo(FailureReason.RECORD_TOO_LARGE);
        assertThat(tooLarge.message()).isEqualTo("the record has 1048577 bytes (data 1048575 + partition key), above"
                + " the limit of 1048576 bytes per record");
    }

    @Test
    void aKeyKinesisRejectsIsRefusedBeforeItsSize() {
        assertThat(SendGuard.check("", new byte[SendGuard.KINESIS_MAX_RECORD_BYTES * 2], 10).reason())
                .isEqualTo(FailureReason.INVALID_PARTITION_KEY);
        assertThat(SendGuard.check("x".repeat(257), "{}".getBytes(StandardCharsets.UTF_8), 10).reason())
                .isEqualTo(FailureReason.INVALID_PARTITION_KEY);
    }

    @Test
    void nullDataAndAClosedProducerAreProgrammingErrors() {
        assertThatThrownBy(() -> SendGuard.check("k", null, 10)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SendGuard.requireOpen(true)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the producer is closed and accepts no more records");
        SendGuard.requireOpen(false);
    }
}
