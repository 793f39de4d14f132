package io.rtpipe.deploytest;

import java.nio.file.Path;

/** Paths the build passes in (failsafe system properties), with defaults for a run from the module folder. */
final class DeployTestSettings {

    private DeployTestSettings() {
    }

    static Path repository() {
        return Path.of(System.getProperty("deploytest.repository", "..")).toAbsolutePath().normalize();
    }

    static Path cliJar() {
        Path jar = Path.of(System.getProperty("deploytest.cliJar", repository().resolve("cli/target/rtpipe.jar")
                .toString()));
        if (!jar.toFile().isFile()) {
            throw new AssertionError("the cli jar " + jar + " is missing: build it with ./mvnw -pl cli -am package");
        }
        return jar;
    }

    static Path logDir(String test) {
        return Path.of(System.getProperty("deploytest.logDir", "target/deploy-test-logs")).resolve(test);
    }
}
