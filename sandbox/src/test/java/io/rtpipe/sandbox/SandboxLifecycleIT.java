package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting, breaking and stopping the emulators: what a test or rtpipe local relies on to leave nothing behind. */
class SandboxLifecycleIT {

    @TempDir
    Path workDir;

    @Test
    void closeStopsEveryEmulatorProcessAndS3SurvivesARestart() throws Exception {
        long t0 = System.nanoTime();
        var aws = (EmulatorsLocalAws) Sandbox.start(SandboxConfig.builder()
                .backend(Backend.EMULATORS).workDir(workDir).build());
        long started = System.nanoTime();
        List<Long> pids;
        try {
            pids = aws.processes().stream().map(RunningProcess::pid).toList();
            assertThat(pids).hasSize(3).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());
            assertThat(workDir.resolve("logs/kinesis-mock.log")).exists();
            assertThat(workDir.resolve("logs/dynalite.log")).exists();
            assertThat(workDir.resolve("logs/s3mock.log")).exists();

            var clients = new AwsClients(aws.awsConfig());
            aws.createBucket("lifecycle-it");
            try (var s3 = clients.s3()) {
                s3.putObject(r -> r.bucket("lifecycle-it").key("k"), RequestBody.fromString("before outage"));
            }

            var faults = aws.faults().orElseThrow();
            long oldS3Pid = s3Pid(aws);
            faults.stopS3();
            assertThat(ProcessHandle.of(oldS3Pid).filter(ProcessHandle::isAlive)).isEmpty();
            try (var s3 = clients.s3()) {
                assertThatThrownBy(() -> s3.listBuckets()).isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
            }
            faults.startS3();
            assertThat(s3Pid(aws)).isNotEqualTo(oldS3Pid);
            try (var s3 = clients.s3()) {
                assertThat(s3.getObjectAsBytes(r -> r.bucket("lifecycle-it").key("k")).asUtf8String())
                        .isEqualTo("before outage");
            }
            pids = aws.processes().stream().map(RunningProcess::pid).toList();
        } finally {
            long closing = System.nanoTime();
            aws.close();
            System.out.printf("start (warm) %d ms, close %d ms%n",
                    (started - t0) / 1_000_000, (System.nanoTime() - closing) / 1_000_000);
        }
        assertThat(pids).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty());
        assertThat(workDir.resolve("s3-store")).doesNotExist();
        assertThat(workDir.resolve("logs/s3mock.log")).exists();
        aws.close(); // idempotent
    }

    @Test
    void anEmulatorThatDiesDuringStartIsNamedWithItsLogAndNothingIsLeftRunning() throws Exception {
        // A corrupt install: kinesis-mock's entry point exits at once with an error of its own.
        Path cache = workDir.resolve("cache");
        Path badInstall = cache.resolve("emulators").resolve(io.rtpipe.sandbox.emulators.NodeEmulatorsAccess.hash());
        Files.createDirectories(badInstall.resolve("node_modules/kinesis-local"));
        Files.createDirectories(badInstall.resolve("node_modules/dynalite"));
        Files.writeString(badInstall.resolve("node_modules/kinesis-local/main.js"),
                "console.error('kinesis-mock exploded on purpose'); process.exit(3);");
        Files.writeString(badInstall.resolve("node_modules/dynalite/cli.js"), "setInterval(() => {}, 1000);");

        var config = SandboxConfig.builder().backend(Backend.EMULATORS).workDir(workDir.resolve("work"))
                .cacheDir(cache).build();
        List<Long> before = childPids();
        assertThatThrownBy(() -> Sandbox.start(config))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("kinesis-mock (pid")
                .hasMessageContaining("exited with code 3 before it was ready")
                .hasMessageContaining(workDir.resolve("work/logs/kinesis-mock.log").toString())
                .hasMessageContaining("kinesis-mock exploded on purpose");
        assertThat(childPids()).isSubsetOf(before);
    }

    private static long s3Pid(EmulatorsLocalAws aws) {
        return aws.processes().stream().filter(p -> p.name().equals("s3mock")).findFirst().orElseThrow().pid();
    }

    private static List<Long> childPids() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    }
}
