package io.rtpipe.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts a {@link LocalAws} for the backend a {@link SandboxConfig} selects.
 *
 * <pre>{@code
 * try (LocalAws aws = Sandbox.start(SandboxConfig.defaults())) {
 *     aws.createStream("orders", 2);
 *     var clients = aws.clients();
 *     ...
 * }
 * }</pre>
 */
public final class Sandbox {

    private Sandbox() {
    }

    /**
     * Starts the selected backend and returns once every service answers.
     *
     * @throws SandboxUnavailableException if the backend cannot run on this machine (LocalStack without Docker)
     * @throws SandboxException            if it fails to start; nothing it started is left running
     */
    public static LocalAws start(SandboxConfig config) {
        return switch (config.backend()) {
            case EMULATORS -> EmulatorsLocalAws.start(config, workDir(config));
            case LOCALSTACK -> LocalStackLocalAws.start(config);
            case AWS -> AwsAccountLocalAws.start(config, System.getenv());
        };
    }

    private static Path workDir(SandboxConfig config) {
        try {
            if (config.workDir().isPresent()) {
                return Files.createDirectories(config.workDir().get());
            }
            return Files.createTempDirectory("rtpipe-sandbox-");
        } catch (IOException e) {
            throw new SandboxException("Could not create the sandbox work directory: " + e.getMessage(), e);
        }
    }
}
