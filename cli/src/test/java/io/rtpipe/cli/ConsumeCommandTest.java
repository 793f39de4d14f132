package io.rtpipe.cli;

import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.contract.ConsumerSettings;
import io.rtpipe.contract.Setting;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumeCommandTest {

    private static ConsumeCommand parse(Map<String, String> env, String... args) {
        ConsumeCommand command = new ConsumeCommand();
        command.environment = env::get;
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private static ConsumerConfig configOf(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--stream", "s", "--bucket", "b"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        return parse(Map.of(), all).config().build();
    }

    @Test
    void givenTimingOptionsReachTheConsumerConfig() {
        ConsumerConfig config = configOf("--checkpoint-interval", "2s", "--failover-time", "3s",
                "--idle-time-between-reads", "200ms", "--shard-sync-interval", "4s",
                "--parent-shard-poll-interval", "1s", "--dispatch-interval", "300ms",
                "--graceful-shutdown-timeout", "15s");
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.failoverTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.idleTimeBetweenReads()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.shardSyncInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(config.parentShardPollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.dispatchInterval()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.gracefulShutdownTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void maxRecordsPerCallComesFromItsFlagOrVariable() {
        assertThat(configOf("--max-records-per-call", "32").maxRecordsPerCall()).isEqualTo(32);
        assertThat(parse(Map.of("RTPIPE_MAX_RECORDS_PER_CALL", "500"), "--stream", "s", "--bucket", "b").config()
                .build().maxRecordsPerCall()).isEqualTo(500);
        assertThat(configOf().maxRecordsPerCall()).isEqualTo(10_000);
    }

    @Test
    void metricsNamespaceAndHealthFileReachTheReportConfig() {
        ConsumeCommand command = parse(Map.of("RTPIPE_HEALTH_FILE", "/tmp/rtpipe-health"), "--stream", "s",
                "--bucket", "b", "--metrics-namespace", "rtpipe-consumer");
        assertThat(command.reports().metricsNamespaceIfAny()).contains("rtpipe-consumer");
        assertThat(command.reports().healthFileIfAny()).contains(java.nio.file.Path.of("/tmp/rtpipe-health"));
    }

    @Test
    void givenResourceOptionsReachTheConsumerConfig() {
        ConsumerConfig config = configOf("--application", "app", "--results-table", "r", "--progress-table", "p",
                "--lease-table", "l", "--result-retention", "7d", "--worker-id", "w-1");
        assertThat(config.streamName()).isEqualTo("s");
        assertThat(config.bucket()).isEqualTo("b");
        assertThat(config.applicationName()).isEqualTo("app");
        assertThat(config.resultsTableName()).isEqualTo("r");
        assertThat(config.progressTableName()).isEqualTo("p");
        assertThat(config.leaseTableName()).isEqualTo("l");
        assertThat(config.resultRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.workerId()).isEqualTo("w-1");
    }

    @Test
    void unsetOptionsKeepTheDocumentedDefaults() {
        ConsumerConfig config = configOf("--failover-time", "3s");
        assertThat(config.failoverTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.gracefulShutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.resultRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(config.applicationName()).isEqualTo("rtpipe");
    }

    @Test
    void environmentVariablesApplyAndAFlagBeatsItsVariable() {
        Map<String, String> env = Map.of("RTPIPE_STREAM_NAME", "from-env", "RTPIPE_ARCHIVE_BUCKET", "bucket-env",
                "RTPIPE_RESULT_RETENTION", "7d", "RTPIPE_CHECKPOINT_INTERVAL", "4s", "RTPIPE_LEASE_TABLE", "leases");
        ConsumerConfig config = parse(env, "--stream", "from-flag", "--checkpoint-interval", "1s").config().build();
        assertThat(config.streamName()).isEqualTo("from-flag");
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.bucket()).isEqualTo("bucket-env");
        assertThat(config.resultRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.leaseTableName()).isEqualTo("leases");
    }

    @Test
    void aMissingOrUnreadableSettingIsOneSentenceNamingFlagAndVariable() {
        assertThatThrownBy(() -> parse(Map.of(), "--bucket", "b").config())
                .isInstanceOf(CliException.class)
                .hasMessage("missing --stream (or RTPIPE_STREAM_NAME): The Kinesis stream to consume (required).");
        assertThatThrownBy(() -> parse(Map.of("RTPIPE_RESULT_RETENTION", "a month"), "--stream", "s", "--bucket", "b")
                .config())
                .isInstanceOf(CliException.class)
                .hasMessage("--result-retention (or RTPIPE_RESULT_RETENTION): 'a month' is not a duration; write it "
                        + "like 500ms, 30s, 2m, 1h or 30d");
    }

    @Test
    void everyConsumerSettingIsAnOptionWhoseHelpNamesItsVariableAndDefault() {
        CommandLine cli = new CommandLine(new ConsumeCommand());
        String help = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (Setting setting : ConsumerSettings.ALL) {
            assertThat(cli.getCommandSpec().findOption(setting.option())).as(setting.option()).isNotNull();
            assertThat(help).contains(setting.option(), setting.env());
            // Wrapped help lines may split "default" from its value.
            setting.defaultIfAny().ifPresent(d -> assertThat(help.replaceAll("\\s+", " ")).contains("default " + d));
        }
        assertThat(help).contains("KCL timing and reads (defaults suit production");
        // The timing options are described under their heading, the resource options before it (last mentions:
        // the synopsis at the top names every option too).
        assertThat(help.lastIndexOf("--checkpoint-interval")).isGreaterThan(help.indexOf("KCL timing"));
        assertThat(help.lastIndexOf("--max-records-per-call")).isGreaterThan(help.indexOf("KCL timing"));
        assertThat(help.lastIndexOf("--stream")).isLessThan(help.indexOf("KCL timing"));
    }
}
