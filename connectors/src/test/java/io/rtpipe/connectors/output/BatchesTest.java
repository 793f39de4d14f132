package io.rtpipe.connectors.output;

import io.rtpipe.core.publish.OutputRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchesTest {

    /** A record whose body is {@code bytes} ASCII characters. */
    private static OutputRecord record(int n, int bytes) {
        return new OutputRecord("r" + n, "x".repeat(bytes));
    }

    private static List<Integer> sizes(List<List<OutputRecord>> batches) {
        return batches.stream().map(List::size).toList();
    }

    @Test
    void aBatchEndsAtTheEntryCountOrBeforeTheByteLimitIsPassed() {
        Batches batches = new Batches("test entry", 3, 100, 100, Batches::bodyBytes);

        assertThat(sizes(batches.cut(IntStream.range(0, 7).mapToObj(i -> record(i, 10)).toList())))
                .containsExactly(3, 3, 1);
        // 40 + 40 = 80, a third 40 would be 120 > 100
        assertThat(sizes(batches.cut(IntStream.range(0, 5).mapToObj(i -> record(i, 40)).toList())))
                .containsExactly(2, 2, 1);
        assertThat(batches.cut(List.of())).isEmpty();
    }

    @Test
    void aRecordNoEntryCanHoldIsRefusedWithItsIdAndTheLimit() {
        Batches batches = new Batches("Kinesis record", 500, 1000, 100, Batches::bodyBytes);

        assertThatThrownBy(() -> batches.cut(List.of(record(1, 10), record(2, 101))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("output record r2 is 101 bytes, more than the 100 bytes one Kinesis record takes: drop "
                        + "large values (topk lists, say) from the metric or send it to another output");
    }
}
