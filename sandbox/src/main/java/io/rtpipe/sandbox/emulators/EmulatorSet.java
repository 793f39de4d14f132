package io.rtpipe.sandbox.emulators;

import io.rtpipe.sandbox.SandboxException;
import io.rtpipe.sandbox.process.FreePorts;
import io.rtpipe.sandbox.process.ManagedProcess;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The three emulators as child processes on free loopback ports: kinesis-mock (Kinesis), dynalite (DynamoDB) and
 * S3Mock (S3), started in parallel and awaited until each answers. CloudWatch has no emulator: its endpoint is a
 * loopback port nobody listens on (KCL needs a client object; run it with metrics off).
 *
 * <p>Each emulator's output goes to {@code <workDir>/logs/<name>.log}. Every process is stopped by its PID on
 * {@link #close()}, when starting fails, and at JVM exit (shutdown hook).
 */
public final class EmulatorSet implements AutoCloseable {

    public static final String KINESIS = "kinesis-mock";
    public static final String DYNAMODB = "dynalite";
    public static final String S3 = "s3mock";

    /** kinesis-mock's state transitions (CREATING to ACTIVE etc.) take this long instead of seconds. */
    private static final String TRANSITION = "100ms";

    private final Path workDir;
    private final String region;
    private final Duration startTimeout;
    private final int kinesisPort;
    private final int kinesisTlsPort;
    private final int dynamoDbPort;
    private final int s3Port;
    private final int s3TlsPort;
    private final int cloudWatchPort;

    private final List<ManagedProcess> running = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "rtpipe-sandbox-emulators-shutdown");
    private Path s3Jar;
    private ManagedProcess s3;
    private boolean closed;

    private EmulatorSet(Path workDir, String region, Duration startTimeout) {
        this.workDir = workDir;
        this.region = region;
        this.startTimeout = startTimeout;
        int[] ports = FreePorts.pick(6);
        this.kinesisPort = ports[0];
        this.kinesisTlsPort = ports[1];
        this.dynamoDbPort = ports[2];
        this.s3Port = ports[3];
        this.s3TlsPort = ports[4];
        this.cloudWatchPort = ports[5];
    }

    /**
     * Installs the emulators if needed (under {@code cacheDir}), starts all three in parallel and returns once each
     * answers. On any failure every process already started is stopped before the exception propagates.
     */
    public static EmulatorSet start(Path workDir, Path cacheDir, String region, Duration startTimeout) {
        var set = new EmulatorSet(workDir, region, startTimeout);
        Runtime.getRuntime().addShutdownHook(set.shutdownHook);
        // S3Mock (a Spring Boot JVM) is the slowest to start: launch it first, in parallel with npm ci.
        CompletableFuture<Void> s3Ready = CompletableFuture.runAsync(() -> {
            set.s3Jar = S3MockJar.locate(cacheDir);
            set.startS3();
        }, runnable -> new Thread(runnable, "rtpipe-sandbox-s3mock-start").start());
        try {
            NodeEmulators node = NodeEmulators.install(cacheDir);
            ManagedProcess kinesis = set.launch(KINESIS, set.kinesisCommand(node), node.kinesisMockDir(),
                    set.kinesisEnvironment(node));
            ManagedProcess dynamo = set.launch(DYNAMODB, set.dynaliteCommand(node), node.dir(), Map.of());
            kinesis.awaitReady(set::kinesisAnswers, startTimeout);
            dynamo.awaitReady(set::dynamoDbAnswers, startTimeout);
        } catch (RuntimeException e) {
            set.close();
            try {
                s3Ready.join();
            } catch (CompletionException stoppedByUs) {
                // S3Mock was stopped by close() above; its "exited" error would only hide the real one.
            }
            throw e;
        }
        try {
            s3Ready.join();
        } catch (CompletionException e) {
            set.close();
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        return set;
    }

    public URI kinesisEndpoint() {
        return loopback(kinesisPort);
    }

    /** kinesis-mock's TLS port (self-signed certificate): for clients that speak only TLS, such as the KPL. */
    public URI kinesisTlsEndpoint() {
        return URI.create("https://127.0.0.1:" + kinesisTlsPort);
    }

    public URI dynamoDbEndpoint() {
        return loopback(dynamoDbPort);
    }

    public URI s3Endpoint() {
        return loopback(s3Port);
    }

    /** A loopback port with no listener: CloudWatch calls fail fast instead of reaching real AWS. */
    public URI cloudWatchEndpoint() {
        return loopback(cloudWatchPort);
    }

    public Path logDir() {
        return workDir.resolve("logs");
    }

    /** The emulator processes now running. */
    public synchronized List<ManagedProcess> processes() {
        return List.copyOf(running);
    }

    /** Stops S3Mock by PID; its store stays, so {@link #startS3()} brings the same buckets and objects back. */
    public synchronized void stopS3() {
        if (s3 != null) {
            s3.stop();
            running.remove(s3);
            s3 = null;
        }
    }

    /** Starts S3Mock on its port and store and waits until it answers; no-op if it runs. */
    public void startS3() {
        ManagedProcess started;
        synchronized (this) {
            if (closed) {
                throw new SandboxException("The sandbox is closed; cannot start " + S3 + ".");
            }
            if (s3 != null) {
                return;
            }
            started = launch(S3, s3Command(), workDir, Map.of());
            s3 = started;
        }
        started.awaitReady(this::s3Answers, startTimeout);
    }

    /** Stops every emulator by PID and deletes the S3 store; logs stay in {@link #logDir()}. Idempotent. */
    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyExiting) {
            // the hook is running or ran: nothing left to remove
        }
        try {
            Dirs.deleteRecursively(workDir.resolve("s3-store"));
            Dirs.deleteRecursively(workDir.resolve("s3mock-tmp"));
        } catch (IOException e) {
            // Data in a temp folder only; not worth failing a test run over.
        }
    }

    private void stopAll() {
        List<ManagedProcess> toStop;
        synchronized (this) {
            closed = true;
            toStop = List.copyOf(running);
            running.clear();
            s3 = null;
        }
        // Stop in parallel: each may take up to the grace period.
        toStop.stream()
                .map(p -> CompletableFuture.runAsync(p::stop,
                        runnable -> new Thread(runnable, "rtpipe-sandbox-stop-" + p.name()).start()))
                .toList()
                .forEach(CompletableFuture::join);
    }

    private synchronized ManagedProcess launch(String name, List<String> command, Path dir, Map<String, String> env) {
        if (closed) {
            throw new SandboxException("The sandbox was closed while " + name + " was starting.");
        }
        var process = ManagedProcess.start(name, command, dir, env, logDir().resolve(name + ".log"));
        running.add(process);
        return process;
    }

    private List<String> kinesisCommand(NodeEmulators node) {
        return List.of(NodeEmulators.node(), node.kinesisMockMain().toString());
    }

    private Map<String, String> kinesisEnvironment(NodeEmulators node) {
        return Map.ofEntries(
                Map.entry("KINESIS_MOCK_PLAIN_PORT", Integer.toString(kinesisPort)),
                Map.entry("KINESIS_MOCK_TLS_PORT", Integer.toString(kinesisTlsPort)),
                Map.entry("KINESIS_MOCK_CERT_PATH", node.kinesisMockCert().toString()),
                Map.entry("LOG_LEVEL", "WARN"),
                Map.entry("AWS_REGION", region),
                Map.entry("CREATE_STREAM_DURATION", TRANSITION),
                Map.entry("DELETE_STREAM_DURATION", TRANSITION),
                Map.entry("UPDATE_SHARD_COUNT_DURATION", TRANSITION),
                Map.entry("SPLIT_SHARD_DURATION", TRANSITION),
                Map.entry("MERGE_SHARDS_DURATION", TRANSITION),
                Map.entry("REGISTER_STREAM_CONSUMER_DURATION", TRANSITION),
                Map.entry("DEREGISTER_STREAM_CONSUMER_DURATION", TRANSITION),
                // One sandbox serves every test class of a JVM: don't let the default 50-shard account limit bite.
                Map.entry("SHARD_LIMIT", "10000"));
    }

    private List<String> dynaliteCommand(NodeEmulators node) {
        return List.of(NodeEmulators.node(), node.dynaliteCli().toString(), "--host", "127.0.0.1",
                "--port", Integer.toString(dynamoDbPort), "--createTableMs", "0", "--deleteTableMs", "0",
                "--updateTableMs", "0");
    }

    private List<String> s3Command() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path tmp = workDir.resolve("s3mock-tmp");
        Path store = workDir.resolve("s3-store");
        try {
            Files.createDirectories(tmp);
            Files.createDirectories(store);
        } catch (IOException e) {
            throw new SandboxException("Could not create S3Mock's folders in " + workDir + ": " + e.getMessage(), e);
        }
        return List.of(java.toString(),
                "-Djava.io.tmpdir=" + tmp,
                // A test emulator: C1 only and the serial collector start noticeably faster on a small machine.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", s3Jar.toString(),
                "--server.port=" + s3TlsPort,
                "--server.address=127.0.0.1",
                "--com.adobe.testing.s3mock.httpPort=" + s3Port,
                "--com.adobe.testing.s3mock.store.root=" + store,
                "--com.adobe.testing.s3mock.store.region=" + region,
                // Kept across stopS3/startS3; close() deletes the store itself.
                "--com.adobe.testing.s3mock.store.retain-files-on-exit=true");
    }

    private boolean kinesisAnswers() throws IOException {
        return HttpProbe.statusLine(kinesisPort, "GET /healthcheck HTTP/1.1\r\n\r\n").contains(" 200 ");
    }

    /** Any DynamoDB-shaped answer to ListTables (even "missing authentication token") means dynalite serves. */
    private boolean dynamoDbAnswers() throws IOException {
        String body = "{}";
        return HttpProbe.response(dynamoDbPort, "POST / HTTP/1.1\r\n"
                + "X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                + "Content-Type: application/x-amz-json-1.0\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).contains("__type");
    }

    /** ListBuckets (S3Mock does not check signatures). */
    private boolean s3Answers() throws IOException {
        return HttpProbe.statusLine(s3Port, "GET / HTTP/1.1\r\n\r\n").contains(" 200 ");
    }

    private static URI loopback(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }
}
