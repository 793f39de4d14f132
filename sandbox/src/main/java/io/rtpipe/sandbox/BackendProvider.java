package io.rtpipe.sandbox;

/**
 * A backend that lives outside this module, found with {@link java.util.ServiceLoader}: the LocalStack backend
 * (module sandbox-junit) brings Testcontainers, which tests need and the runnable cli jar must not carry.
 */
public interface BackendProvider {

    Backend backend();

    /** Starts the backend; same contract as {@link Sandbox#start}. */
    LocalAws start(SandboxConfig config);
}
