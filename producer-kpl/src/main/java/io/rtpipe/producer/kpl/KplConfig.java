package io.rtpipe.producer.kpl;

import io.rtpipe.producer.FailureListener;
import io.rtpipe.producer.kinesis.ProducerConfig.BufferFullPolicy;
import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.partition.PartitionRule;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link KplProducer} runs the Kinesis Producer Library. Immutable; build with {@link #builder(String)}.
 * Defaults:
 * <ul>
 *   <li>{@code region} us-east-1, {@code credentials} the SDK's default chain; for an emulator use
 *       {@link Builder#emulator(URI)}, which also sets static test credentials;</li>
 *   <li>{@code endpoint} none (the region's Kinesis endpoint), {@code verifyCertificate} true;</li>
 *   <li>{@code maxOutstandingRecords} 20,000: {@code send} blocks (or fails fast) while this many records are not yet
 *       acknowledged or failed. The KPL itself buffers without limit;</li>
 *   <li>{@code whenFull} {@link BufferFullPolicy#BLOCK};</li>
 *   <li>{@code recordTtl} 30 s (the KPL's {@code RecordTtl}: it retries until then, then fails the record; unlike
 *       the rtpipe producer's TTL it counts from {@code send}, queueing in the daemon included);</li>
 *   <li>{@code maxBufferedTime} 100 ms (the KPL's {@code RecordMaxBufferedTime}, its linger);</li>
 *   <li>{@code aggregation} on (the KPL's format, read by KCL);</li>
 *   <li>{@code requestTimeout} 6 s (the KPL's default);</li>
 *   <li>{@code tempDirectory} {@code <java.io.tmpdir>/rtpipe-kpl}: where the KPL unpacks its 89 MB native daemon
 *       (once per version: it reuses a file of the same hash);</li>
 *   <li>{@code partitionKeys} the field {@code event_id}, a random key for records without it
 *       ({@link io.rtpipe.producer.partition.PartitionRule});</li>
 *   <li>{@code failureListener} logs each failure at WARN;</li>
 *   <li>{@code closeTimeout} 30 s: how long {@code close()} flushes before destroying the daemon.</li>
 * </ul>
 * CloudWatch metrics of the KPL are always off ({@code MetricsLevel=none}): this producer reports its own counters.
 */
public final class KplConfig {

    /** The KPL refuses a RecordTtl below 100 ms. */
    private static final Duration MIN_TTL = Duration.ofMillis(100);

    private final String streamName;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Optional<URI> endpoint;
    private final boolean verifyCertificate;
    private final int maxOutstandingRecords;
    private final BufferFullPolicy whenFull;
    private final Duration recordTtl;
    private final Duration maxBufferedTime;
    private final boolean aggregation;
    private final Duration requestTimeout;
    private final Path tempDirectory;
    private final PartitionKeySelector partitionKeys;
    private final FailureListener failureListener;
    private final Duration closeTimeout;

    private KplConfig(Builder b) {
        this.streamName = requireText(b.streamName, "stream name");
        this.region = requireText(b.region, "region");
        this.credentials = b.credentials != null ? b.credentials : DefaultCredentialsProvider.builder().build();
        this.endpoint = Optional.ofNullable(b.endpoint);
        this.endpoint.ifPresent(KplConfig::requireHttps);
        this.verifyCertificate = b.verifyCertificate;
        if (b.maxOutstandingRecords < 1) {
            throw new IllegalArgumentException("maxOutstandingRecords must be at least 1, was "
                    + b.maxOutstandingRecords + ".");
        }
        this.maxOutstandingRecords = b.maxOutstandingRecords;
        this.whenFull = Objects.requireNonNull(b.whenFull, "whenFull");
        this.recordTtl = atLeast(b.recordTtl, MIN_TTL, "recordTtl");
        this.maxBufferedTime = atLeast(b.maxBufferedTime, Duration.ofMillis(1), "maxBufferedTime");
        this.aggregation = b.aggregation;
        this.requestTimeout = atLeast(b.requestTimeout, Duration.ofMillis(100), "requestTimeout");
        this.tempDirectory = Objects.requireNonNull(b.tempDirectory, "tempDirectory");
        this.partitionKeys = Objects.requireNonNull(b.partitionKeys, "partitionKeys");
        this.failureListener = b.failureListener != null ? b.failureListener : logging(streamName);
        this.closeTimeout = atLeast(b.closeTimeout, Duration.ZERO, "closeTimeout");
    }

    public static Builder builder(String streamName) {
        return new Builder(streamName);
    }

    public String streamName() {
        return streamName;
    }

    public String region() {
        return region;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** An {@code https} endpoint overriding the region's (emulators, VPC endpoints); the KPL speaks only TLS. */
    public Optional<URI> endpoint() {
        return endpoint;
    }

    public boolean verifyCertificate() {
        return verifyCertificate;
    }

    public int maxOutstandingRecords() {
        return maxOutstandingRecords;
    }

    public BufferFullPolicy whenFull() {
        return whenFull;
    }

    public Duration recordTtl() {
        return recordTtl;
    }

    public Duration maxBufferedTime() {
        return maxBufferedTime;
    }

    public boolean aggregation() {
        return aggregation;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Path tempDirectory() {
        return tempDirectory;
    }

    public PartitionKeySelector partitionKeys() {
        return partitionKeys;
    }

    public FailureListener failureListener() {
        return failureListener;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    @Override
    public String toString() {
        return "KplConfig{stream=" + streamName + ", region=" + region + ", endpoint=" + endpoint.map(URI::toString)
                .orElse("(regional)") + ", verifyCertificate=" + verifyCertificate + ", maxOutstandingRecords="
                + maxOutstandingRecords + ", whenFull=" + whenFull + ", recordTtl=" + recordTtl + ", maxBufferedTime="
                + maxBufferedTime + ", aggregation=" + aggregation + ", tempDirectory=" + tempDirectory + "}";
    }

    private static FailureListener logging(String stream) {
        var log = LoggerFactory.getLogger(KplProducer.class);
        return failure -> log.warn("record for stream {} failed: {}", stream, failure);
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("The KPL producer needs a " + what + ".");
        }
        return value;
    }

    private static Duration atLeast(Duration value, Duration min, String what) {
        if (value == null || value.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", was " + value + ".");
        }
        return value;
    }

    private static void requireHttps(URI endpoint) {
        if (!"https".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("The KPL speaks only TLS: its endpoint must be https://host:port, was "
                    + endpoint + ".");
        }
    }

    public static final class Builder {
        private final String streamName;
        private String region = "us-east-1";
        private AwsCredentialsProvider credentials;
        private URI endpoint;
        private boolean verifyCertificate = true;
        private int maxOutstandingRecords = 20_000;
        private BufferFullPolicy whenFull = BufferFullPolicy.BLOCK;
        private Duration recordTtl = Duration.ofSeconds(30);
        private Duration maxBufferedTime = Duration.ofMillis(100);
        private boolean aggregation = true;
        private Duration requestTimeout = Duration.ofSeconds(6);
        private Path tempDirectory = Path.of(System.getProperty("java.io.tmpdir"), "rtpipe-kpl");
        private PartitionKeySelector partitionKeys = PartitionRule.selector(null, false, List.of());
        private FailureListener failureListener;
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder(String streamName) {
            this.streamName = streamName;
        }

        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        /** An {@code https://host:port} Kinesis endpoint instead of the region's. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder verifyCertificate(boolean verify) {
            this.verifyCertificate = verify;
            return this;
        }

        /**
         * A local emulator's TLS endpoint (kinesis-mock's TLS port): its self-signed certificate is not verified and
         * the credentials are the static {@code test/test} the emulators accept.
         */
        public Builder emulator(URI tlsEndpoint) {
            this.endpoint = tlsEndpoint;
            this.verifyCertificate = false;
            this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
            return this;
        }

        public Builder maxOutstandingRecords(int records) {
            this.maxOutstandingRecords = records;
            return this;
        }

        public Builder whenFull(BufferFullPolicy policy) {
            this.whenFull = policy;
            return this;
        }

        public Builder recordTtl(Duration ttl) {
            this.recordTtl = ttl;
            return this;
        }

        public Builder maxBufferedTime(Duration linger) {
            this.maxBufferedTime = linger;
            return this;
        }

        public Builder aggregation(boolean enabled) {
            this.aggregation = enabled;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder tempDirectory(Path directory) {
            this.tempDirectory = directory;
            return this;
        }

        public Builder partitionKeys(PartitionKeySelector selector) {
            this.partitionKeys = selector;
            return this;
        }

        public Builder failureListener(FailureListener listener) {
            this.failureListener = listener;
            return this;
        }

        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        public KplConfig build() {
            return new KplConfig(this);
        }
    }
}
