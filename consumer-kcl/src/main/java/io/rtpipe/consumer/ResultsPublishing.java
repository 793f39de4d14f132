package io.rtpipe.consumer;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.dynamodb.AlertLedger;
import io.rtpipe.connectors.dynamodb.PublishCursors;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.output.OutputSinks;
import io.rtpipe.connectors.publish.ParquetResultsSink;
import io.rtpipe.connectors.publish.StoredResults;
import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.core.publish.FinalResultsPublisher;
import io.rtpipe.core.publish.FinalResultsSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker's {@link FinalResultsPublisher}: the Parquet sink when {@link ConsumerConfig#parquetPrefix()} is set and
 * the outputs and alerts the spec names, over the results table and the stream's shards. Every worker of an
 * application runs it (the sinks' writes and the cursor are idempotent, so two workers publishing the same hour write
 * the same bytes; an output gets the same records again, an alert is sent once by its ledger item), on a timer
 * thread of its own so a slow S3 or output never holds up a shard's checkpoint.
 */
public final class ResultsPublishing implements AutoCloseable {

    /** A range is one hour of window starts: the Parquet sink's object, and all a round holds in memory at once. */
    static final Duration RANGE = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(ResultsPublishing.class);

    private final ScheduledExecutorService timer;
    private final Publisher publisher;

    private ResultsPublishing(ScheduledExecutorService timer, Publisher publisher) {
        this.timer = timer;
        this.publisher = publisher;
    }

    /**
     * The publisher {@code config} asks for, if any: the Parquet sink when it is on, and one sink per output kind the
     * spec's metrics name ({@link OutputSinks}); none when there is neither. The output sinks' clients are built from
     * {@code clients}' config with their services added; Kinesis outputs share {@code kinesis}.
     *
     * @throws IllegalArgumentException one sentence, if the endpoints are overridden but not the outputs'
     */
    public static Optional<Publisher> publisher(ConsumerConfig config, AwsClients clients, S3Client s3,
                                                DynamoDbClient dynamoDb, KinesisAsyncClient kinesis) {
        OutputSinks outputs = OutputSinks.of(config.engine(), clients, kinesis,
                new AlertLedger(dynamoDb, config.alertsTableName(), config.sinkRetry()), config.sinkRetry());
        List<FinalResultsSink> sinks = new ArrayList<>();
        config.parquetPrefix().ifPresent(prefix ->
                sinks.add(new ParquetResultsSink(new S3Writes(s3, config.bucket(), config.sinkRetry()), prefix)));
        sinks.addAll(outputs.sinks());
        if (sinks.isEmpty()) {
            outputs.close();
            return Optional.empty();
        }
        StoredResults stored = new StoredResults(new ResultsQuery(dynamoDb, s3, config.resultsTableName()),
                config.engine(), kinesis, config.streamName());
        return Optional.of(new Publisher(new FinalResultsPublisher(config.engine(), sinks, stored, stored,
                new PublishCursors(dynamoDb, config.resultsTableName(), Clock.systemUTC()), RANGE), outputs));
    }

    /** A publisher and the output clients it owns, closed with it. */
    public record Publisher(FinalResultsPublisher rounds, OutputSinks outputs) implements AutoCloseable {
        @Override
        public void close() {
            outputs.close();
        }
    }

    /** Runs {@code publisher} a round every {@code interval}, logging what it published and what failed. */
    static ResultsPublishing every(Duration interval, Publisher publisher) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rtpipe-results-publisher");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                log(publisher.rounds().publish());
            } catch (RuntimeException e) {
                // A task that throws is never run again: log and keep the timer going.
                LOG.warn("Publishing final results failed (retried next round): {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new ResultsPublishing(timer, publisher);
    }

    /** Logs a round: each range published (INFO) and each failure (WARN, retried next round). */
    public static void log(FinalResultsPublisher.Round round) {
        round.published().forEach(p -> LOG.info("Published {} rows of {} windows starting {} to {} to {}", p.rows(),
                p.metric(), p.from(), p.to(), p.sink()));
        round.failures().forEach(f -> LOG.warn(f.reason()));
    }

    /** Stops the timer, letting a round in progress finish (its ranges are whole objects); closes the outputs. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }
}
