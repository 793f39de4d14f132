package io.rtpipe.deploytest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

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

    /**
     * The non-default spec the deployments with {@code rtpipe:metricsFile} run (test resource
     * {@code amount-by-region.yaml}); the same file is given to {@code rtpipe query --metrics}.
     */
    static Path amountByRegionSpec() {
        try {
            return Path.of(DeployTestSettings.class.getResource("/amount-by-region.yaml").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An empty folder for the logs of {@code test}'s processes (those of an earlier run are deleted). */
    static Path logDir(String test) {
        Path dir = Path.of(System.getProperty("deploytest.logDir", "target/deploy-test-logs")).resolve(test);
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.toList()) {
                        Files.delete(file);
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
