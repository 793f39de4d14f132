package io.rtpipe.reliability.worker;

import io.rtpipe.connectors.aws.AwsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker's argv spells the options as {@code rtpipe consume --help} documents them (spelled out here). */
class WorkerSettingsTest {

    @Test
    void workerArgvCarriesResourcesAndShortTimingsAsConsumeOptions(@TempDir Path dir) throws IOException {
        Path jar = Files.writeString(dir.resolve("rtpipe.jar"), "stand-in");
        WorkerSettings settings = WorkerSettings.builder().jar(jar).logDir(dir).stream("events").bucket("archive")
                .application("chaos").aws(AwsConfig.builder().region("us-east-1")
                        .endpoint(URI.create("http://127.0.0.1:4567")).build())
                .build();

        List<String> argv = settings.command("w-1", null);
        List<String> args = argv.subList(argv.indexOf("consume") + 1, argv.size());

        assertThat(String.join(" ", args)).contains(
                "--stream events", "--bucket archive", "--application chaos", "--worker-id w-1",
                "--checkpoint-interval 1000ms", "--failover-time 3000ms", "--idle-time-between-reads 200ms",
                "--shard-sync-interval 2s", "--parent-shard-poll-interval 1s", "--dispatch-interval 200ms",
                "--graceful-shutdown-timeout 15000ms", "--dynamodb-endpoint http://127.0.0.1:4567");
    }
}
