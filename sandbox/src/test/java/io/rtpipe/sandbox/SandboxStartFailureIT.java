package io.rtpipe.sandbox;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A failed start reports which emulator failed and where its log is, and leaves nothing running. */
class SandboxStartFailureIT {

    @TempDir
    Path workDir;

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

    private static List<Long> childPids() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    }
}
