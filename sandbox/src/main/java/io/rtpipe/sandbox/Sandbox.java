package io.rtpipe.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

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
            case LOCALSTACK -> provided(Backend.LOCALSTACK).start(config);
            case AWS -> AwsAccountLocalAws.start(config, System.getenv());
        };
    }

    private static BackendProvider provided(Backend backend) {
        return ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(provider -> provider.backend() == backend)
                .findFirst()
                .orElseThrow(() -> new SandboxUnavailableException("The " + backend.settingValue() + " sandbox "
                        + "backend is for tests (module rtpipe-sandbox-junit) and is not in this program; choose "
                        + "the emulators or aws backend (" + Backend.ENV + "=emulators)."));
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
