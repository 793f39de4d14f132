package io.rtpipe.sandbox.process;

import io.rtpipe.sandbox.SandboxException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback TCP ports, chosen at run time so parallel test JVMs never collide on a fixed port. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * {@code count} distinct ports that were free on 127.0.0.1 a moment ago. The OS hands out ephemeral ports
     * round-robin, so a port just released is unlikely to be handed to someone else before the emulator binds it.
     */
    public static int[] pick(int count) {
        Set<Integer> seen = new HashSet<>();
        int[] ports = new int[count];
        int found = 0;
        while (found < count) {
            int port = pickOne();
            if (seen.add(port)) {
                ports[found++] = port;
            }
        }
        return ports;
    }

    private static int pickOne() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new SandboxException("Could not find a free loopback port: " + e.getMessage(), e);
        }
    }
}
