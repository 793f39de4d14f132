package io.rtpipe.cli;

import io.rtpipe.producer.source.HttpIngestSource;
import picocli.CommandLine.Option;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * How {@code rtpipe produce --source http:PORT} listens: the address, and beyond loopback the token clients must send
 * and the TLS certificate. Secrets come from a file and an environment variable, never from the command line, where
 * {@code ps} would show them.
 */
final class HttpIngestOptions {

    static final String KEYSTORE_PASSWORD_ENV = "RTPIPE_TLS_KEYSTORE_PASSWORD";

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "http: address to listen on (default ${DEFAULT-VALUE}). Any other address also needs "
                    + "--auth-token-file and --tls-keystore.")
    String bind;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "http: a file holding the token clients send as 'Authorization: Bearer <token>' "
                    + "(required beyond loopback).")
    Path authTokenFile;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "http: serve HTTPS with the key and certificate of this PKCS12 keystore, whose password is "
                    + "in env " + KEYSTORE_PASSWORD_ENV + " (required beyond loopback).")
    Path tlsKeystore;

    /** The source's builder for these options; a bad option is one sentence (exit 2). */
    HttpIngestSource.Builder builder() {
        HttpIngestSource.Builder builder = HttpIngestSource.builder().bindAddress(address());
        if (authTokenFile != null) {
            builder.authToken(token());
        }
        if (tlsKeystore != null) {
            builder.tls(sslContext());
        }
        return builder;
    }

    /** The URL scheme clients use. */
    String scheme() {
        return tlsKeystore != null ? "https" : "http";
    }

    private InetAddress address() {
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new CliException("--bind: unknown address '" + bind + "'");
        }
    }

    private String token() {
        try {
            String token = Files.readString(authTokenFile, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new CliException("--auth-token-file " + authTokenFile + " is empty");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new CliException("--auth-token-file: no such file: " + authTokenFile);
        } catch (IOException e) {
            throw new CliException("--auth-token-file: cannot read " + authTokenFile + ": " + e.getMessage());
        }
    }

    private SSLContext sslContext() {
        String password = System.getenv().getOrDefault(KEYSTORE_PASSWORD_ENV, "");
        try (InputStream in = Files.newInputStream(tlsKeystore)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password.toCharArray());
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            return context;
        } catch (NoSuchFileException e) {
            throw new CliException("--tls-keystore: no such file: " + tlsKeystore);
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException("--tls-keystore " + tlsKeystore + " is not a PKCS12 keystore that opens with the "
                    + "password in " + KEYSTORE_PASSWORD_ENV + " (" + e.getMessage() + ")");
        }
    }
}
