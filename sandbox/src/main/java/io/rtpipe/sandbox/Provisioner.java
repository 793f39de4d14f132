package io.rtpipe.sandbox;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.aws.AwsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * Creates streams and buckets for every backend with clients built by {@link AwsClients}; remembers what it created
 * (the AWS backend deletes it on close). The clients are created on first use and closed by {@link #close()}.
 */
final class Provisioner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final AwsClients clients;
    private final Duration activeTimeout;
    private final List<String> createdStreams = Collections.synchronizedList(new ArrayList<>());
    private final List<String> createdBuckets = Collections.synchronizedList(new ArrayList<>());
    private KinesisAsyncClient kinesis;
    private S3Client s3;

    Provisioner(AwsConfig config, Duration activeTimeout) {
        this.clients = new AwsClients(config);
        this.activeTimeout = activeTimeout;
    }

    void createStream(String name, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a stream needs at least one shard, got " + shards);
        }
        KinesisAsyncClient client = kinesis();
        call("create stream " + name, () -> client.createStream(r -> r.streamName(name).shardCount(shards)).join());
        createdStreams.add(name);
        long deadline = System.nanoTime() + activeTimeout.toNanos();
        // SDK waiters poll every 10 s; streams on emulators turn ACTIVE within ~100 ms.
        while (true) {
            StreamStatus status = call("describe stream " + name, () -> client
                    .describeStreamSummary(r -> r.streamName(name)).join().streamDescriptionSummary().streamStatus());
            if (status == StreamStatus.ACTIVE) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException("Stream " + name + " is still " + status + " after "
                        + activeTimeout.toSeconds() + " s.");
            }
            sleep(POLL_INTERVAL);
        }
    }

    void createBucket(String name, String region) {
        S3Client client = s3();
        try {
            client.createBucket(r -> {
                r.bucket(name);
                // us-east-1 is the one region that rejects an explicit location constraint.
                if (!"us-east-1".equals(region)) {
                    r.createBucketConfiguration(CreateBucketConfiguration.builder().locationConstraint(region).build());
                }
            });
            createdBuckets.add(name);
        } catch (BucketAlreadyOwnedByYouException alreadyOurs) {
            // idempotent by contract
        } catch (RuntimeException e) {
            throw new SandboxException("Could not create bucket " + name + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the streams and buckets this provisioner created (real AWS: they cost money). Best effort. */
    void deleteCreated() {
        for (String stream : List.copyOf(createdStreams)) {
            try {
                kinesis().deleteStream(r -> r.streamName(stream).enforceConsumerDeletion(true)).join();
            } catch (RuntimeException e) {
                LOG.warn("Could not delete stream {}: {}", stream, e.getMessage());
            }
        }
        for (String bucket : List.copyOf(createdBuckets)) {
            try {
                S3Client client = s3();
                client.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()
                        .forEach(o -> client.deleteObject(r -> r.bucket(bucket).key(o.key())));
                client.deleteBucket(r -> r.bucket(bucket));
            } catch (RuntimeException e) {
                LOG.warn("Could not delete bucket {}: {}", bucket, e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        if (kinesis != null) {
            kinesis.close();
            kinesis = null;
        }
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
    }

    private synchronized KinesisAsyncClient kinesis() {
        if (kinesis == null) {
            kinesis = clients.kinesisAsync();
        }
        return kinesis;
    }

    private synchronized S3Client s3() {
        if (s3 == null) {
            s3 = clients.s3();
        }
        return s3;
    }

    private static <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new SandboxException("Could not " + what + ": " + cause.getMessage(), cause);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("Interrupted while waiting for a stream to become ACTIVE.", e);
        }
    }
}
