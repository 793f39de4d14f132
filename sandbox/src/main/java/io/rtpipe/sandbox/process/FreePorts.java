package io.rtpipe.sandbox.process;

import io.rtpipe.sandbox.SandboxException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback TCP ports, chosen at run time so parallel test JVMs never collide on a fixed port. */
public final class FreePorts {

    /** Lowest port handed out: above the registered ports most local services use. */
    private static final int LOWEST = 10_000;
    /** Linux's default first ephemeral port; macOS and Windows start theirs at 49152, higher still. */
    private static final int DEFAULT_FIRST_EPHEMERAL = 32_768;
    private static final Path LINUX_EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int ATTEMPTS = 1_000;

    private FreePorts() {
    }

    /**
     * {@code count} distinct ports that were free on 127.0.0.1 a moment ago, drawn at random from below the
     * operating system's ephemeral range. An emulator binds its port seconds after it was picked (S3Mock: up to a
     * minute on a busy machine); a port from the ephemeral range could meanwhile be taken by any outgoing connection
     * or {@code bind(0)} on the machine, which was seen with many test JVMs running at once.
     */
    public static int[] pick(int count) {
        int firstEphemeral = firstEphemeralPort();
        Set<Integer> seen = new HashSet<>();
        int[] ports = new int[count];
        int found = 0;
        for (int attempt = 0; found < count && attempt < ATTEMPTS; attempt++) {
            int port = firstEphemeral > LOWEST + count
                    ? ThreadLocalRandom.current().nextInt(LOWEST, firstEphemeral)
                    : anyFreePort();
            if (!seen.contains(port) && isFree(port)) {
                seen.add(port);
                ports[found++] = port;
            }
        }
        if (found < count) {
            throw new SandboxException("Could not find " + count + " free loopback ports in " + ATTEMPTS
                    + " attempts.");
        }
        return ports;
    }

    private static int firstEphemeralPort() {
        try {
            // Not Files.readString: it trusts the file size, which procfs may misreport (seen here: 1 byte read).
            return Integer.parseInt(Files.readAllLines(LINUX_EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException notLinux) {
            return DEFAULT_FIRST_EPHEMERAL;
        }
    }

    private static boolean isFree(int port) {
        try (var socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    private static int anyFreePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new SandboxException("Could not find a free loopback port: " + e.getMessage(), e);
        }
    }
}
