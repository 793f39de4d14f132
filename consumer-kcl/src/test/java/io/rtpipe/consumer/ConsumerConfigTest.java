package io.rtpipe.consumer;

import org.junit.jupiter.api.Test;
import software.amazon.kinesis.common.InitialPositionInStream;

import java.time.Duration;
import java.util.Map;

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
        assertThat(config.maxRecordsPerCall()).isEqualTo(10_000);
        assertThat(config.shardSyncInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.parentShardPollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.dispatchInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.gracefulShutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.leaseTableName()).isEqualTo("clicks-app");
        assertThat(config.resultsTableName()).isEqualTo("clicks-app-results");
        assertThat(config.progressTableName()).isEqualTo("clicks-app-progress");
        assertThat(config.alertsTableName()).isEqualTo("clicks-app-alerts");
        assertThat(config.resultRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(config.idleWatermarkAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.workerId()).startsWith("clicks-app-");
        assertThat(config.engine().metrics()).extracting(m -> m.name()).containsExactly("events_per_minute");
    }

    @Test
    void fromSettingsTakesEveryGivenValueAndDefaultsTheRest() {
        Map<String, String> given = new java.util.HashMap<>(Map.of("stream", "clicks", "bucket", "archive", "application", "app",
                "results-table", "r", "progress-table", "p", "lease-table", "l", "result-retention", "7d",
                "checkpoint-interval", "2s", "failover-time", "3s", "graceful-shutdown-timeout", "15s"));
        given.put("max-records-per-call", "32");
        given.put("alerts-table", "a");
        ConsumerConfig config = ConsumerConfig.fromSettings(s -> given.get(s.flag())).build();

        assertThat(config.streamName()).isEqualTo("clicks");
        assertThat(config.bucket()).isEqualTo("archive");
        assertThat(config.applicationName()).isEqualTo("app");
        assertThat(config.resultsTableName()).isEqualTo("r");
        assertThat(config.progressTableName()).isEqualTo("p");
        assertThat(config.leaseTableName()).isEqualTo("l");
        assertThat(config.alertsTableName()).isEqualTo("a");
        assertThat(config.resultRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.failoverTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.gracefulShutdownTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.maxRecordsPerCall()).isEqualTo(32);
        assertThat(config.idleTimeBetweenReads()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.shardSyncInterval()).isEqualTo(Duration.ofSeconds(60));

        ConsumerConfig minimal = ConsumerConfig.fromSettings(
                s -> Map.of("stream", "clicks", "bucket", "archive").get(s.flag())).build();
        assertThat(minimal.applicationName()).isEqualTo("rtpipe");
        assertThat(minimal.leaseTableName()).isEqualTo("rtpipe");
        assertThat(minimal.resultsTableName()).isEqualTo("rtpipe-results");
        assertThat(minimal.alertsTableName()).isEqualTo("rtpipe-alerts");
    }

    @Test
    void parquetResultsAreOffUntilTurnedOnAndThenUseTheDefaultPrefix() {
        Map<String, String> base = Map.of("stream", "s", "bucket", "b");
        assertThat(ConsumerConfig.fromSettings(s -> base.get(s.flag())).build().parquetPrefix()).isEmpty();
        Map<String, String> on = new java.util.HashMap<>(base);
        on.put("parquet-results", "on");
        assertThat(ConsumerConfig.fromSettings(s -> on.get(s.flag())).build().parquetPrefix())
                .contains("results-parquet");
        on.put("parquet-prefix", "app-a/parquet");
        assertThat(ConsumerConfig.fromSettings(s -> on.get(s.flag())).build().parquetPrefix())
                .contains("app-a/parquet");
        on.put("parquet-results", "OFF");
        assertThat(ConsumerConfig.fromSettings(s -> on.get(s.flag())).build().parquetPrefix()).isEmpty();
        on.put("parquet-results", "yes");
        assertThatThrownBy(() -> ConsumerConfig.fromSettings(s -> on.get(s.flag())))
                .hasMessage("--parquet-results (or RTPIPE_PARQUET_RESULTS): 'yes' is neither on nor off");
    }

    @Test
    void fromSettingsNamesFlagAndVariableOfAMistake() {
        assertThatThrownBy(() -> ConsumerConfig.fromSettings(s -> Map.of("bucket", "b").get(s.flag())))
                .hasMessage("missing --stream (or RTPIPE_STREAM_NAME): The Kinesis stream to consume (required).");
        assertThatThrownBy(() -> ConsumerConfig.fromSettings(
                s -> Map.of("stream", "s", "bucket", "b", "failover-time", "soon").get(s.flag())))
                .hasMessage("--failover-time (or RTPIPE_FAILOVER_TIME): 'soon' is not a duration; write it like "
                        + "500ms, 30s, 2m, 1h or 30d");
        for (String bad : new String[] {"many", "0", "10001"}) {
            assertThatThrownBy(() -> ConsumerConfig.fromSettings(
                    s -> Map.of("stream", "s", "bucket", "b", "max-records-per-call", bad).get(s.flag())))
                    .hasMessage("--max-records-per-call (or RTPIPE_MAX_RECORDS_PER_CALL): '" + bad
                            + "' is not a whole number from 1 to 10000");
        }
    }

    @Test
    void idleWatermarkAfterIsADurationOrZeroOrOff() {
        for (var given : Map.of("90s", Duration.ofSeconds(90), "0", Duration.ZERO, "off", Duration.ZERO).entrySet()) {
            assertThat(ConsumerConfig.fromSettings(s -> Map.of("stream", "s", "bucket", "b", "idle-watermark-after",
                    given.getKey()).get(s.flag())).build().idleWatermarkAfter()).isEqualTo(given.getValue());
        }
        assertThatThrownBy(() -> ConsumerConfig.fromSettings(
                s -> Map.of("stream", "s", "bucket", "b", "idle-watermark-after", "never").get(s.flag())))
                .hasMessage("--idle-watermark-after (or RTPIPE_IDLE_WATERMARK_AFTER): 'never' is not a duration; "
                        + "write it like 500ms, 30s, 2m, 1h or 30d, or 0 / off");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        ConsumerConfig config = ConsumerConfig.builder("a", "s", "b")
                .retrieval(ConsumerConfig.Retrieval.FAN_OUT)
                .checkpointInterval(Duration.ofMillis(500))
                .maxRecordsPerCall(64)
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
