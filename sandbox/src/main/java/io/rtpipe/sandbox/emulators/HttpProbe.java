package io.rtpipe.sandbox.emulators;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One-shot HTTP/1.1 readiness probes over a raw socket with {@code Connection: close}. A pooling HTTP client would
 * keep an idle connection open, and kinesis-mock waits for open connections before it exits on SIGTERM.
 */
final class HttpProbe {

    private static final int TIMEOUT_MILLIS = 2_000;
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private HttpProbe() {
    }

    /** The response's first line, e.g. {@code HTTP/1.1 200 OK}. */
    static String statusLine(int port, String requestWithoutConnectionHeaders) throws IOException {
        String response = response(port, requestWithoutConnectionHeaders);
        int end = response.indexOf("\r\n");
        return end < 0 ? response : response.substring(0, end);
    }

    /**
     * Sends a request (its request line, headers and body, without Host and Connection headers, which are added)
     * and returns the whole response as text.
     */
    static String response(int port, String request) throws IOException {
        int headerStart = request.indexOf("\r\n") + 2;
        String full = request.substring(0, headerStart)
                + "Host: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                + request.substring(headerStart);
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.getOutputStream().write(full.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return readUpTo(socket.getInputStream(), MAX_RESPONSE_BYTES);
        }
    }

    private static String readUpTo(InputStream in, int limit) throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while (out.size() < limit && (n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
