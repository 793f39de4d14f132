package io.rtpipe.consumer;

import io.rtpipe.connectors.dynamodb.PublishCursors;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.connectors.publish.ParquetResultsSink;
import io.rtpipe.connectors.publish.StoredResults;
import io.rtpipe.connectors.s3.S3Writes;
import io.rtpipe.core.publish.FinalResultsPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker's {@link FinalResultsPublisher}: the Parquet sink when {@link ConsumerConfig#parquetPrefix()} is set,
 * over the results table and the stream's shards. Every worker of an application runs it (the sinks' writes and
 * the cursor are idempotent, so two workers publishing the same hour write the same bytes), on a timer thread of its
 * own so a slow S3 never holds up a shard's checkpoint.
 */
public final class ResultsPublishing implements AutoCloseable {

    /** A range is one hour of window starts: the Parquet sink's object, and all a round holds in memory at once. */
    static final Duration RANGE = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(ResultsPublishing.class);

    private final ScheduledExecutorService timer;

    private ResultsPublishing(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** The publisher {@code config} asks for, if any. */
    public static Optional<FinalResultsPublisher> publisher(ConsumerConfig config, S3Client s3,
                                                            DynamoDbClient dynamoDb, KinesisAsyncClient kinesis) {
        StoredResults stored = new StoredResults(new ResultsQuery(dynamoDb, s3, config.resultsTableName()),
                config.engine(), kinesis, config.streamName());
        return config.parquetPrefix().map(prefix -> new FinalResultsPublisher(config.engine(),
                List.of(new ParquetResultsSink(new S3Writes(s3, config.bucket(), config.sinkRetry()), prefix)),
                stored, stored, new PublishCursors(dynamoDb, config.resultsTableName(), Clock.systemUTC()), RANGE));
    }

    /** Runs {@code publisher} a round every {@code interval}, logging what it published and what failed. */
    static ResultsPublishing every(Duration interval, FinalResultsPublisher publisher) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rtpipe-results-publisher");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                log(publisher.publish());
            } catch (RuntimeException e) {
                // A task that throws is never run again: log and keep the timer going.
                LOG.warn("Publishing final results failed (retried next round): {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new ResultsPublishing(timer);
    }

    /** Logs a round: each range published (INFO) and each failure (WARN, retried next round). */
    public static void log(FinalResultsPublisher.Round round) {
        round.published().forEach(p -> LOG.info("Published {} rows of {} windows starting {} to {} to {}", p.rows(),
                p.metric(), p.from(), p.to(), p.sink()));
        round.failures().forEach(f -> LOG.warn(f.reason()));
    }

    /** Stops the timer, letting a round in progress finish (its ranges are whole objects). */
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
    }
}
