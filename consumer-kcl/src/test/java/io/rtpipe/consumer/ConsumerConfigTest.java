package io.rtpipe.consumer;

import org.junit.jupiter.api.Test;
import software.amazon.kinesis.common.InitialPositionInStream;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerConfigTest {

    @Test
    void documentedDefaults() {
        ConsumerConfig config = ConsumerConfig.builder("clicks-app", "clicks", "archive").build();

        assertThat(config.initialPosition().getInitialPositionInStream()).isEqualTo(InitialPositionInStream.TRIM_HORIZON);
        assertThat(config.retrieval()).isEqualTo(ConsumerConfig.Retrieval.POLLING);
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.failoverTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.idleTimeBetweenReads()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.shardSyncInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.parentShardPollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.dispatchInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.gracefulShutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.leaseTableName()).isEqualTo("clicks-app");
        assertThat(config.resultsTableName()).isEqualTo("clicks-app-results");
        assertThat(config.progressTableName()).isEqualTo("clicks-app-progress");
        assertThat(config.workerId()).startsWith("clicks-app-");
        assertThat(config.engine().metrics()).extracting(m -> m.name()).containsExactly("events_per_minute");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        ConsumerConfig config = ConsumerConfig.builder("a", "s", "b")
                .retrieval(ConsumerConfig.Retrieval.FAN_OUT)
                .checkpointInterval(Duration.ofMillis(500))
                .leaseTableName("leases")
                .workerId("w-1")
                .build();

        assertThat(config.toBuilder().build()).usingRecursiveComparison().isEqualTo(config);
    }

    @Test
    void rejectsEmptyNamesAndNonPositiveIntervalsWithOneSentence() {
        assertThatThrownBy(() -> ConsumerConfig.builder("app", " ", "bucket").build())
                .hasMessage("the stream name must not be empty");
        assertThatThrownBy(() -> ConsumerConfig.builder("app", "s", "b").checkpointInterval(Duration.ZERO).build())
                .hasMessage("checkpointInterval must be positive, got PT0S");
    }
}
