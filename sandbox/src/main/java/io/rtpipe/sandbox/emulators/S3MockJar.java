package io.rtpipe.sandbox.emulators;

import io.rtpipe.sandbox.SandboxException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Finds S3Mock's executable jar ({@code com.adobe.testing:s3mock:<version>:exec}). The build resolves it through
 * Maven and embeds it next to this class as a plain resource (never on the classpath: it is a Spring Boot jar with
 * its own loader). Run from a classes folder (tests in the reactor) it is used in place; run from a jar (the sandbox
 * jar, the shaded cli jar) it is extracted once to {@code <cacheDir>/s3mock/}.
 */
public final class S3MockJar {

    private static final String JAR_RESOURCE = "s3mock-exec.jar";

    private S3MockJar() {
    }

    /** A path to the S3Mock exec jar that {@code java -jar} can run. */
    public static Path locate(Path cacheDir) {
        URL url = S3MockJar.class.getResource(JAR_RESOURCE);
        if (url == null) {
            throw new SandboxException("The S3Mock jar is missing from the sandbox's resources (" + JAR_RESOURCE
                    + " next to " + S3MockJar.class.getName() + "); rebuild the sandbox module with Maven.");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new SandboxException("Unusable S3Mock jar location " + url, e);
            }
        }
        return extract(url, cacheDir.resolve("s3mock").resolve("s3mock-" + version() + "-exec.jar"));
    }

    /** The embedded S3Mock version, from the Maven-filtered {@code s3mock.properties}. */
    public static String version() {
        try (InputStream in = S3MockJar.class.getResourceAsStream("s3mock.properties")) {
            if (in == null) {
                throw new SandboxException("s3mock.properties is missing next to " + S3MockJar.class.getName());
            }
            var properties = new Properties();
            properties.load(in);
            return properties.getProperty("s3mock.version");
        } catch (IOException e) {
            throw new SandboxException("Could not read s3mock.properties: " + e.getMessage(), e);
        }
    }

    private static Path extract(URL url, Path target) {
        if (Files.isRegularFile(target)) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            // Copy under a unique name, then rename: parallel JVMs extracting at once each rename a complete file.
            Path scratch = Files.createTempFile(target.getParent(), "s3mock-", ".partial");
            try (InputStream in = url.openStream()) {
                Files.copy(in, scratch, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new SandboxException("Could not extract the S3Mock jar to " + target + ": " + e.getMessage(), e);
        }
    }
}
