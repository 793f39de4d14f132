package io.rtpipe.connectors.s3;

import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IntervalObjectKeysTest {

    private static final String SEQ = "49590338271490256608559692538361571095921575989136588898";

    @Test
    void rawKeyIsPartitionedByTheFirstRecordsArrivalHourInUtc() {
        String key = IntervalObjectKeys.key(IntervalKind.RAW, "clicks", "shardId-000000000001",
                RecordPosition.of(SEQ), Instant.parse("2024-02-29T23:59:59.999Z"));

        assertThat(key).isEqualTo("raw/clicks/dt=2024-02-29/hr=23/shardId-000000000001/" + SEQ + ".jsonl.gz");
    }

    @Test
    void subSequenceNumberIsPartOfTheNameOnlyWhenNonZero() {
        Instant arrival = Instant.parse("2024-03-01T00:00:00Z");
        assertThat(IntervalObjectKeys.key(IntervalKind.DEADLETTER, "s", "shard-1", new RecordPosition(SEQ, 7), arrival))
                .isEqualTo("deadletter/s/dt=2024-03-01/hr=00/shard-1/" + SEQ + "_7.jsonl.gz");
        assertThat(IntervalObjectKeys.key(IntervalKind.LATE, "s", "shard-1", new RecordPosition(SEQ, 0), arrival))
                .isEqualTo("late/s/dt=2024-03-01/hr=00/shard-1/" + SEQ + ".jsonl.gz");
    }

    @Test
    void rejectsNamesThatWouldAddKeySegments() {
        assertThatThrownBy(() -> IntervalObjectKeys.key(IntervalKind.RAW, "a/b", "shard-1", RecordPosition.of("1"),
                Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream");
    }
}
