package io.rtpipe.sandbox.process;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {

    @Test
    void picksDistinctBindablePortsBelowTheEphemeralRange() throws Exception {
        int[] ports = FreePorts.pick(6);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(6);
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int firstEphemeral = Files.exists(range)
                ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32_768;
        assertThat(Arrays.stream(ports).boxed())
                .allSatisfy(port -> assertThat(port).isBetween(10_000, firstEphemeral - 1));
        for (int port : ports) {
            try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
