package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.source.GeneratorConfig;
import io.rtpipe.producer.source.GeneratorSource;
import io.rtpipe.producer.source.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code rtpipe produce}: sends a feed into a Kinesis stream with the batch producer. */
@Command(name = "produce",
        mixinStandardHelpOptions = true,
        description = "Sends events from a source into a Kinesis stream (batched PutRecords, retries, backpressure).")
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--stream", required = true, defaultValue = "${env:RTPIPE_STREAM}",
            description = "The Kinesis stream (env RTPIPE_STREAM).")
    String stream;

    @Option(names = "--source", defaultValue = "generator",
            description = "Where events come from: generator (default).")
    String source;

    @Option(names = "--rate", defaultValue = "1000", description = "Generator events per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", defaultValue = "0", description = "Stop after this many events (default: no limit).")
    long count;

    @Option(names = "--partition-key-field", paramLabel = "FIELD",
            description = "Top-level JSON field to use as partition key (default: a random key per record).")
    String partitionKeyField;

    @Override
    public Integer call() throws Exception {
        if (!"generator".equals(source)) {
            throw new CliException("--source must be generator, got '" + source + "'");
        }
        AwsClients clients = new AwsClients(aws.toConfig());
        requireStream(clients, stream);
        ProducerConfig.Builder config = ProducerConfig.builder(stream);
        if (partitionKeyField != null) {
            config.partitionKeyField(partitionKeyField);
        }
        Source events = new GeneratorSource(GeneratorConfig.builder().eventsPerSecond(rate).maxEvents(count).build());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtpipe-produce-progress");
            t.setDaemon(true);
            return t;
        });
        try (KinesisBatchProducer producer = KinesisBatchProducer.create(clients, config.build())) {
            Runtime.getRuntime().addShutdownHook(new Thread(events::close, "rtpipe-produce-stop"));
            ticker.scheduleAtFixedRate(() -> System.err.println(progress(producer.metrics())), 5, 5, TimeUnit.SECONDS);
            events.run(producer::send);
            producer.flush(Duration.ofSeconds(60));
            System.err.println(progress(producer.metrics()));
            return producer.metrics().recordsFailed() == 0 ? 0 : CliException.FAILED;
        } finally {
            ticker.shutdownNow();
            events.close();
        }
    }

    static void requireStream(AwsClients clients, String stream) {
        try (KinesisAsyncClient kinesis = clients.kinesisAsync()) {
            kinesis.describeStreamSummary(b -> b.streamName(stream)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException) {
                throw new CliException("stream '" + stream + "' does not exist in " + clients.config().region()
                        + (clients.config().isLocal() ? " at " + clients.config().kinesisEndpoint().orElseThrow() : ""));
            }
            throw e;
        }
    }

    private static String progress(ProducerMetrics m) {
        return String.format("produced %,d acknowledged, %,d failed, %,d buffered, %,d retries",
                m.recordsAcknowledged(), m.recordsFailed(), m.bufferedRecords(), m.recordRetries());
    }
}
