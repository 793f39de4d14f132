package io.rtpipe.sandbox.emulators;

import io.rtpipe.sandbox.SandboxException;
import io.rtpipe.sandbox.process.ManagedProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js emulators (npm {@code kinesis-local} = kinesis-mock, and {@code dynalite}), installed with
 * {@code npm ci} from the {@code package.json} and {@code package-lock.json} committed next to this class, into
 * {@code <cacheDir>/emulators/<hash of both files>}. The first sandbox on a machine installs (a few seconds); every
 * later one reuses the folder. Parallel JVMs are serialized by a file lock; the install happens in a scratch folder
 * renamed into place atomically, so a half-finished install is never reused.
 */
public final class NodeEmulators {

    /** Node programs are not Windows executables; npm is a script there. */
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final List<String> MANIFEST = List.of("package.json", "package-lock.json");

    /** FileChannel locks are per JVM, not per thread: threads of one JVM queue here first. */
    private static final Object JVM_LOCK = new Object();

    private final Path dir;

    private NodeEmulators(Path dir) {
        this.dir = dir;
    }

    /** The folder with {@code node_modules}; exists and is complete. */
    public Path dir() {
        return dir;
    }

    public Path kinesisMockDir() {
        return dir.resolve("node_modules/kinesis-local");
    }

    public Path kinesisMockMain() {
        return kinesisMockDir().resolve("main.js");
    }

    /** kinesis-mock's bundled TLS certificate; it crashes without one unless started in its own folder. */
    public Path kinesisMockCert() {
        return kinesisMockDir().resolve("server.json");
    }

    public Path dynaliteCli() {
        return dir.resolve("node_modules/dynalite/cli.js");
    }

    /** The {@code node} command. */
    public static String node() {
        return WINDOWS ? "node.exe" : "node";
    }

    /** Returns the installed emulators under {@code cacheDir}, installing them first if needed. */
    public static NodeEmulators install(Path cacheDir) {
        Path root = cacheDir.resolve("emulators");
        Path dir = root.resolve(manifestHash());
        var installed = new NodeEmulators(dir);
        if (installed.isComplete()) {
            return installed;
        }
        synchronized (JVM_LOCK) {
            try {
                Files.createDirectories(root);
                try (var channel = FileChannel.open(root.resolve(dir.getFileName() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     var ignored = channel.lock()) {
                    if (!installed.isComplete()) {
                        runNpmCi(root, dir);
                    }
                }
            } catch (IOException e) {
                throw new SandboxException("Could not install the emulators into " + dir + ": " + e.getMessage(), e);
            }
        }
        return installed;
    }

    private boolean isComplete() {
        return Files.isRegularFile(kinesisMockMain()) && Files.isRegularFile(dynaliteCli());
    }

    private static void runNpmCi(Path root, Path dir) throws IOException {
        Path scratch = root.resolve(dir.getFileName() + ".partial-" + ProcessHandle.current().pid());
        Dirs.deleteRecursively(scratch);
        Files.createDirectories(scratch);
        for (String file : MANIFEST) {
            try (InputStream in = resource(file)) {
                Files.copy(in, scratch.resolve(file));
            }
        }
        Path log = root.resolve(dir.getFileName() + "-npm-ci.log");
        // --ignore-scripts: nothing here needs an install script (dynalite keeps tables in memory, so the native
        // LevelDB binding's build step is never needed), and running none is faster and safer.
        List<String> command = List.of(WINDOWS ? "npm.cmd" : "npm", "ci", "--ignore-scripts", "--no-audit",
                "--no-fund", "--loglevel=warn");
        Process npm;
        try {
            npm = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        } catch (IOException e) {
            throw new SandboxException("The emulators backend needs Node.js 18 or newer with npm on the PATH "
                    + "(could not run npm: " + e.getMessage() + "); install Node.js or choose another backend with "
                    + "-Drtpipe.sandbox=localstack|aws.", e);
        }
        try {
            if (!npm.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                npm.destroyForcibly();
                throw new SandboxException("npm ci of the emulators did not finish within "
                        + INSTALL_TIMEOUT.toMinutes() + " minutes; its log is " + log + "; last lines:\n"
                        + ManagedProcess.logTail(log, 20));
            }
        } catch (InterruptedException e) {
            npm.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SandboxException("npm ci of the emulators was interrupted", e);
        }
        if (npm.exitValue() != 0) {
            throw new SandboxException("npm ci of the emulators failed with exit code " + npm.exitValue()
                    + "; its log is " + log + "; last lines:\n" + ManagedProcess.logTail(log, 20));
        }
        Files.move(scratch, dir, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Names the install folder: a new lock file (new versions) installs afresh, beside the old one. */
    static String manifestHash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String file : MANIFEST) {
                try (InputStream in = resource(file)) {
                    sha.update(in.readAllBytes());
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = NodeEmulators.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("resource " + name + " is missing next to " + NodeEmulators.class);
        }
        return in;
    }
}
