package io.rtpipe.connectors.output;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntryRetryTest {
    private static final RetryPolicy THREE = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);

    @Test
    void onlyTheRefusedEntriesAreSentAgain() {
        List<List<String>> calls = new ArrayList<>();
        EntryRetry.deliver("test", List.of("a", "b", "c", "d"), THREE, batch -> {
            calls.add(batch);
            // the first call refuses b and d, the second refuses d
            return batch.stream().map(e -> e.equals("d") && calls.size() < 3 || e.equals("b") && calls.size() == 1
                    ? "Throttled: slow down" : null).toList();
        });

        assertThat(calls).containsExactly(List.of("a", "b", "c", "d"), List.of("b", "d"), List.of("d"));
    }

    @Test
    void aCallThatThrowsCountsAsEveryEntryRefused() {
        List<List<String>> calls = new ArrayList<>();
        EntryRetry.deliver("test", List.of("a", "b"), THREE, batch -> {
            calls.add(batch);
            if (calls.size() == 1) {
                throw new IllegalStateException("connection reset");
            }
            return batch.stream().map(e -> (String) null).toList();
        });

        assertThat(calls).containsExactly(List.of("a", "b"), List.of("a", "b"));
    }

    @Test
    void entriesStillRefusedAfterTheLastAttemptAreOneSentence() {
        List<List<String>> calls = new ArrayList<>();

        assertThatThrownBy(() -> EntryRetry.deliver("kinesis stream out", List.of("a", "b", "c"), THREE, batch -> {
            calls.add(batch);
            return batch.stream().map(e -> e.equals("a") ? null : "ProvisionedThroughputExceeded: rate").toList();
        }))
                .isInstanceOf(SinkWriteException.class)
                .hasMessage("2 of 3 entries to kinesis stream out were refused after 3 attempts "
                        + "(last: ProvisionedThroughputExceeded: rate)");
        assertThat(calls).hasSize(3);
    }
}
