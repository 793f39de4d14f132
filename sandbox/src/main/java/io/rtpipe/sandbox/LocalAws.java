package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A running set of AWS services (Kinesis, DynamoDB, S3, CloudWatch) for a test or {@code rtpipe local}. Build clients
 * with {@link #clients()}. Close it to stop everything it started.
 */
public interface LocalAws extends AutoCloseable {

    Backend backend();

    /**
     * Where the services are: all four endpoints and static credentials {@code test/test}, except for
     * {@link Backend#AWS}, which has no endpoint overrides and the configured profile or default chain.
     */
    AwsConfig awsConfig();

    /** Clients of these services, built from {@link #awsConfig()}; each client it makes is the caller's to close. */
    default AwsClients clients() {
        return new AwsClients(awsConfig());
    }

    /**
     * Kinesis over TLS with a self-signed certificate, for clients that speak only TLS (the KPL's native daemon);
     * present for {@link Backend#EMULATORS} only. The certificate is not trusted: such clients must not verify it.
     */
    default Optional<URI> kinesisTlsEndpoint() {
        return Optional.empty();
    }

    /**
     * How many records one GetRecords call should ask for (a consumer's {@code maxRecordsPerCall}) when records are up
     * to {@code recordBytes} long: KCL's 10,000 where the service caps a page itself (Kinesis returns at most 10 MB),
     * fewer where it does not and large pages time out.
     */
    default int getRecordsLimit(int recordBytes) {
        return 10_000;
    }

    /** Creates a provisioned stream and returns once it is ACTIVE (polled every ~100 ms, not the SDK's 10 s). */
    void createStream(String name, int shards);

    /** Creates a bucket (idempotent: an existing bucket owned by us is fine). */
    void createBucket(String name);

    /** Hooks to break the services on purpose; present for {@link Backend#EMULATORS} only. */
    Optional<FaultInjection> faults();

    /**
     * The processes this sandbox started and will stop on {@link #close()} (the emulators, with their log files);
     * empty for backends that start no local process.
     */
    List<RunningProcess> processes();

    /** Stops everything this sandbox started, each process by its own PID. Idempotent. */
    @Override
    void close();
}
