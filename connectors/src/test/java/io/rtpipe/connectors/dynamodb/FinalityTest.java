package io.rtpipe.connectors.dynamodb;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FinalityTest {
    private static final Instant END = Instant.parse("2026-12-03T12:01:00Z");
    private static final long END_MILLIS = END.toEpochMilli();

    @Test
    void aWindowIsFinalWhenEveryShardsMarkIsAtOrPastItsEnd() {
        var finality = new Finality(List.of("a", "b"), Map.of("a", END_MILLIS, "b", END_MILLIS + 5));
        assertThat(finality.isFinal(END)).isTrue();
        assertThat(finality.isFinal(END.plusMillis(1))).as("a has fired only up to END").isFalse();
    }

    @Test
    void aShardWithoutAMarkHoldsEveryWindowBackAndAnEndedOneNone() {
        // After a reshard: parent p ended (mark MAX), children c1 marked, c2 has seen nothing yet.
        var finality = new Finality(List.of("p", "c1", "c2"), Map.of("p", Long.MAX_VALUE, "c1", END_MILLIS));
        assertThat(finality.isFinal(END)).isFalse();
        var c2Ended = new Finality(List.of("p", "c1", "c2"), Map.of("p", Long.MAX_VALUE, "c1", END_MILLIS,
                "c2", Long.MAX_VALUE));
        assertThat(c2Ended.isFinal(END)).isTrue();
    }

    @Test
    void marksOfShardsTheStreamNoLongerListsDoNotCount() {
        var finality = new Finality(List.of("a"), Map.of("a", END_MILLIS, "gone", 0L));
        assertThat(finality.isFinal(END)).isTrue();
    }
}
