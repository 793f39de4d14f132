package io.rtpipe.cli;

import io.rtpipe.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumeCommandTest {

    private static ConsumerConfig timingOf(String... timingArgs) {
        ConsumeCommand command = new ConsumeCommand();
        String[] args = new String[timingArgs.length + 4];
        System.arraycopy(new String[] {"--stream", "s", "--bucket", "b"}, 0, args, 0, 4);
        System.arraycopy(timingArgs, 0, args, 4, timingArgs.length);
        new CommandLine(command).parseArgs(args);
        ConsumerConfig.Builder config = ConsumerConfig.builder("app", "s", "b");
        command.timing.applyTo(config);
        return config.build();
    }

    @Test
    void givenTimingOptionsReachTheConsumerConfig() {
        ConsumerConfig config = timingOf("--checkpoint-interval", "2s", "--failover-time", "3s",
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
    void metricsNamespaceAndHealthFileReachTheReportConfig() {
        ConsumeCommand command = new ConsumeCommand();
        new CommandLine(command).parseArgs("--stream", "s", "--bucket", "b", "--metrics-namespace", "rtpipe-consumer",
                "--health-file", "/tmp/rtpipe-health");
        assertThat(command.reports().metricsNamespaceIfAny()).contains("rtpipe-consumer");
        assertThat(command.reports().healthFileIfAny()).contains(java.nio.file.Path.of("/tmp/rtpipe-health"));
    }

    @Test
    void unsetTimingOptionsKeepTheConfigDefaults() {
        ConsumerConfig defaults = ConsumerConfig.builder("app", "s", "b").build();
        ConsumerConfig config = timingOf("--failover-time", "3s");
        assertThat(config.failoverTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.checkpointInterval()).isEqualTo(defaults.checkpointInterval());
        assertThat(config.gracefulShutdownTimeout()).isEqualTo(defaults.gracefulShutdownTimeout());
    }
}
