package io.rtpipe.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A loopback TCP forwarder that records the bytes clients send, so a test can see on the wire which protocol
 * (HTTP/1.1 or h2c) and which encoding (JSON or CBOR) an SDK client really uses.
 */
final class RecordingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final Thread acceptor;

    RecordingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "recording-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Everything clients sent so far, all connections concatenated. */
    byte[] sentBytes() {
        synchronized (sent) {
            return sent.toByteArray();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pump(client.getInputStream(), target.getOutputStream(), true, client, target);
                pump(target.getInputStream(), client.getOutputStream(), false, client, target);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, boolean record, Socket a, Socket b) {
        var thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (a; b) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (record) {
                        synchronized (sent) {
                            sent.write(buffer, 0, n);
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException connectionDone) {
                // either side closed
            }
        }, "recording-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
