package io.rtpipe.consumer.testing;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.sandbox.Backend;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.Sandbox;
import io.rtpipe.sandbox.SandboxConfig;

import java.util.UUID;

/**
 * One emulator set for every integration test of this JVM (starting it takes seconds); each test uses unique
 * stream, table and bucket names. The emulators are stopped by PID when the JVM exits.
 */
public final class SharedLocalAws {

    private static LocalAws aws;

    private SharedLocalAws() {
    }

    public static synchronized LocalAws get() {
        if (aws == null) {
            long t0 = System.nanoTime();
            LocalAws started = Sandbox.start(SandboxConfig.builder().backend(Backend.EMULATORS).build());
            System.out.printf("emulators started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-shared-emulators"));
            aws = started;
        }
        return aws;
    }

    public static AwsClients clients() {
        return new AwsClients(get().awsConfig());
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
