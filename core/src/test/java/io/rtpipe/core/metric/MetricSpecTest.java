package io.rtpipe.core.metric;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricSpecTest {
    @Test
    void builtInMetricCountsPerTypePerMinuteOnTs() {
        MetricSpec spec = MetricSpec.eventsPerMinute();
        assertThat(spec.name()).isEqualTo("events_per_minute");
        assertThat(spec.groupBy()).containsExactly("type");
        assertThat(spec.timestamp()).isEqualTo(TimestampSource.field("ts"));
        assertThat(spec.windows()).isEqualTo(TumblingWindows.of(Duration.ofMinutes(1)));
        assertThat(spec.allowedLateness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(spec.aggregates()).extracting(Aggregate::name).containsExactly("count");
        assertThat(spec.dedupField()).isEqualTo("event_id");
        assertThat(MetricSpec.builder("m").build().dedupField()).as("builder default").isNull();
    }

    @Test
    void rejectsInvalidDefinitionsWithOneSentence() {
        assertThatThrownBy(() -> MetricSpec.builder("Events")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> MetricSpec.builder("m").groupBy("a", "a")).hasMessageContaining("distinct");
        assertThatThrownBy(() -> MetricSpec.builder("m").allowedLateness(Duration.ofSeconds(-1)))
                .hasMessageContaining("allowed lateness");
        assertThatThrownBy(() -> MetricSpec.builder("m").aggregates()).hasMessageContaining("at least one");
        assertThatThrownBy(() -> MetricSpec.builder("m").aggregates(Aggregates.count(), Aggregates.count()))
                .hasMessageContaining("two aggregates");
    }

    @Test
    void countPartialsMergeBySumWhateverNumberTypeTheStoreReturns() {
        Aggregate count = Aggregates.count();
        assertThat(count.mergePartials(3L, 4)).isEqualTo(7L);
        assertThat(count.mergePartials(new java.math.BigDecimal("5"), 1L)).isEqualTo(6L);
        assertThatThrownBy(() -> count.mergePartials("x", 1L)).hasMessageContaining("must be a number");
        assertThat(List.of(count.newAccumulator().partialValue())).containsExactly(0L);
    }
}
