package io.rtpipe.consumer.testing;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.s3.IntervalKind;
import io.rtpipe.connectors.s3.IntervalLines;
import io.rtpipe.connectors.s3.IntervalReader;
import io.rtpipe.consumer.ConsumerConfig;
import io.rtpipe.consumer.KclConsumer;
import io.rtpipe.sandbox.LocalAws;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.rtpipe.sandbox.UniqueNames.unique;

/**
 * One test's stream, bucket and application on the sandbox the test was given (by
 * {@link io.rtpipe.sandbox.junit.SandboxExtension}), with {@link FastKcl}'s timings. Stops every consumer it started.
 */
public final class ConsumerFixture implements AutoCloseable {

    public final AwsClients clients;
    public final String stream = unique("stream");
    public final String bucket = unique("bucket");
    public final String application = unique("app");
    public final KinesisAsyncClient kinesis;
    public final S3Client s3;
    private final List<KclConsumer> consumers = new ArrayList<>();

    public ConsumerFixture(LocalAws aws, int shards) {
        aws.createStream(stream, shards);
        aws.createBucket(bucket);
        clients = aws.clients();
        kinesis = clients.kinesisAsync();
        s3 = clients.s3();
    }

    public ConsumerConfig.Builder config() {
        return FastKcl.builder(application, stream, bucket);
    }

    public KclConsumer consumer(ConsumerConfig config) {
        return consumer(config, clients);
    }

    /** A consumer with other AWS access than the sandbox's alone, e.g. outputs on a loopback fake. */
    public KclConsumer consumer(ConsumerConfig config, AwsClients clients) {
        var consumer = new KclConsumer(config, clients);
        consumers.add(consumer);
        return consumer;
    }

    public List<StreamFeeder.Put> put(List<byte[]> payloads) {
        return StreamFeeder.put(kinesis, stream, payloads, 64);
    }

    /** What the consumer wrote to S3 for this stream under {@code kind}'s prefix. */
    public List<IntervalLines.Line> archive(IntervalKind kind) {
        return new IntervalReader(s3, bucket).lines(kind, stream);
    }

    /** Waits until {@code condition} holds, polling every 50 ms; returns the elapsed time. */
    public static Duration await(Duration timeout, java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() {
        for (KclConsumer consumer : consumers) {
            consumer.shutdownNow();
        }
        kinesis.close();
        s3.close();
    }
}
