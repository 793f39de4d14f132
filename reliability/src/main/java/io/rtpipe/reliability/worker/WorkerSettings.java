package io.rtpipe.reliability.worker;

import io.rtpipe.connectors.aws.AwsConfig;
import io.rtpipe.contract.ConsumerSettings;
import io.rtpipe.contract.Setting;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start {@code rtpipe consume} worker processes for one scenario: the cli jar, the stream and tables, the AWS
 * endpoints, and short KCL intervals so failover and hand-off take seconds, not minutes.
 *
 * <p>Defaults: checkpoint interval 1 s, failover 3 s, idle between reads 200 ms, shard sync 2 s, parent poll 1 s,
 * dispatch 200 ms, graceful-shutdown timeout 15 s, heap 256 MiB.
 */
public final class WorkerSettings {

    private final Path jar;
    private final Path logDir;
    private final String stream;
    private final String bucket;
    private final String application;
    private final AwsConfig aws;
    private final Duration checkpointInterval;
    private final Duration failoverTime;
    private final Duration gracefulShutdownTimeout;

    private WorkerSettings(Builder b) {
        this.jar = requireJar(b.jar);
        this.logDir = Objects.requireNonNull(b.logDir, "logDir");
        this.stream = Objects.requireNonNull(b.stream, "stream");
        this.bucket = Objects.requireNonNull(b.bucket, "bucket");
        this.application = Objects.requireNonNull(b.application, "application");
        this.aws = Objects.requireNonNull(b.aws, "aws");
        this.checkpointInterval = b.checkpointInterval;
        this.failoverTime = b.failoverTime;
        this.gracefulShutdownTimeout = b.gracefulShutdownTimeout;
    }

    private static Path requireJar(Path jar) {
        Objects.requireNonNull(jar, "jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the worker jar " + jar + " does not exist; build the cli first "
                    + "(./mvnw -B -pl reliability -am verify builds it before this module)");
        }
        return jar;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String stream() {
        return stream;
    }

    public String bucket() {
        return bucket;
    }

    public String application() {
        return application;
    }

    public AwsConfig aws() {
        return aws;
    }

    public Path logDir() {
        return logDir;
    }

    public Duration failoverTime() {
        return failoverTime;
    }

    public Duration gracefulShutdownTimeout() {
        return gracefulShutdownTimeout;
    }

    /** The command line of a worker with this id; {@code dynamoDbEndpoint} overrides the DynamoDB endpoint. */
    List<String> command(String workerId, URI dynamoDbEndpoint) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Daws.ec2MetadataServiceEndpoint=http://127.0.0.1:1",
                "-jar", jar.toString(), "consume",
                "--worker-id", workerId, "--status-every", "5s",
                "--region", aws.region(),
                "--kinesis-endpoint", endpoint(aws.kinesisEndpoint().map(URI::toString).orElse(null)),
                "--dynamodb-endpoint", endpoint(dynamoDbEndpoint != null ? dynamoDbEndpoint.toString()
                        : aws.dynamoDbEndpoint().map(URI::toString).orElse(null)),
                "--s3-endpoint", endpoint(aws.s3Endpoint().map(URI::toString).orElse(null)),
                "--cloudwatch-endpoint", endpoint(aws.cloudWatchEndpoint().map(URI::toString).orElse(null))));
        // Consumer settings by their declared flags (ConsumerSettings), as the CDK app sets their variables.
        Map<Setting, String> settings = new LinkedHashMap<>();
        settings.put(ConsumerSettings.STREAM, stream);
        settings.put(ConsumerSettings.BUCKET, bucket);
        settings.put(ConsumerSettings.APPLICATION, application);
        settings.put(ConsumerSettings.CHECKPOINT_INTERVAL, millis(checkpointInterval));
        settings.put(ConsumerSettings.FAILOVER_TIME, millis(failoverTime));
        settings.put(ConsumerSettings.IDLE_TIME_BETWEEN_READS, "200ms");
        settings.put(ConsumerSettings.SHARD_SYNC_INTERVAL, "2s");
        settings.put(ConsumerSettings.PARENT_SHARD_POLL_INTERVAL, "1s");
        settings.put(ConsumerSettings.DISPATCH_INTERVAL, "200ms");
        settings.put(ConsumerSettings.GRACEFUL_SHUTDOWN_TIMEOUT, millis(gracefulShutdownTimeout));
        settings.forEach((setting, value) -> command.addAll(List.of(setting.option(), value)));
        return command;
    }

    private static String endpoint(String value) {
        if (value == null) {
            throw new IllegalStateException("worker processes run against local endpoints only; the AWS config has "
                    + "no endpoint override");
        }
        return value;
    }

    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }

    public static final class Builder {
        private Path jar;
        private Path logDir;
        private String stream;
        private String bucket;
        private String application;
        private AwsConfig aws;
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private Duration failoverTime = Duration.ofSeconds(3);
        private Duration gracefulShutdownTimeout = Duration.ofSeconds(15);

        private Builder() {
        }

        public Builder jar(Path jar) { this.jar = jar; return this; }
        public Builder logDir(Path logDir) { this.logDir = logDir; return this; }
        public Builder stream(String stream) { this.stream = stream; return this; }
        public Builder bucket(String bucket) { this.bucket = bucket; return this; }
        public Builder application(String application) { this.application = application; return this; }
        public Builder aws(AwsConfig aws) { this.aws = aws; return this; }
        public Builder checkpointInterval(Duration value) { this.checkpointInterval = value; return this; }
        public Builder failoverTime(Duration value) { this.failoverTime = value; return this; }
        public Builder gracefulShutdownTimeout(Duration value) { this.gracefulShutdownTimeout = value; return this; }

        public WorkerSettings build() {
            return new WorkerSettings(this);
        }
    }
}
