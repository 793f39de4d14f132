package io.rtpipe.sandbox;

/**
 * Deliberate outages for reliability tests. While a service is stopped its endpoint refuses connections; restarting
 * it brings it back on the same port with the same data. The sandbox is shared by a test JVM's test classes, which
 * JUnit runs one at a time: a test that stops a service must restart it before it ends.
 */
public interface FaultInjection {

    /** Stops the S3 emulator (its store is kept). Returns once the process is gone. */
    void stopS3();

    /** Starts the S3 emulator again on the same port and store; returns once it answers. No-op if it is running. */
    void startS3();
}
