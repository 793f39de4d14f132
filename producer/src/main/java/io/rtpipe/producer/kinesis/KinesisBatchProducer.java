package io.rtpipe.producer.kinesis;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.connectors.retry.Backoff;
import io.rtpipe.producer.BufferFullException;
import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.RecordFailedException;
import io.rtpipe.producer.RecordFailure;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.aggregation.ShardLister;
import io.rtpipe.producer.aggregation.ShardRange;
import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.partition.Utf8;
import io.rtpipe.producer.partition.PartitionKeyWithFallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A pure-Java Kinesis producer on the SDK v2 async client's PutRecords: batches records (count, bytes, linger), keeps
 * a bounded number of requests in flight, retries only the entries that failed with exponential backoff and full
 * jitter, and ends every record exactly once (acknowledged, or failed through the {@link
 * io.rtpipe.producer.FailureListener} with a reason). Memory is bounded by the buffer limits; when the buffer is full
 * {@code send} blocks or fails fast (see {@link ProducerConfig}).
 *
 * <p>Threads: callers append in {@code send}; one sender thread assembles batches and issues requests; the SDK's
 * completion threads handle responses (acknowledge, requeue retries, fail). Record futures and the failure listener
 * run on those threads: do not block in them.
 *
 * <p>Delivery is at-least-once: when an acknowledgement is lost (a request times out after Kinesis stored the
 * records) the retry stores them again. Consumers de-duplicate by event id.
 */
public final class KinesisBatchProducer implements RecordProducer, ShardLister {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisBatchProducer.class);
    private static final String CLOSED_MESSAGE = "the producer was closed before the record was acknowledged";

    private final ProducerConfig config;
    private final PartitionKeyWithFallback partitionKeys;
    private final KinesisAsyncClient client;
    private final boolean ownsClient;
    private final Accumulator accumulator;
    private final Semaphore inFlight;
    private final Backoff backoff;
    private final MetricsRecorder metrics = new MetricsRecorder();
    private final AwsRequestOverrideConfiguration requestOverride;
    private final long ttlNanos;
    private final Thread sender;
    private volatile boolean closed;

    private KinesisBatchProducer(KinesisAsyncClient client, boolean ownsClient, ProducerConfig config) {
        this.config = config;
        this.partitionKeys = new PartitionKeyWithFallback(config.partitionKeys());
        this.client = client;
        this.ownsClient = ownsClient;
        this.accumulator = new Accumulator(config, System::nanoTime);
        this.inFlight = new Semaphore(config.maxInFlightRequests());
        this.backoff = new Backoff(config.backoffBase(), config.backoffMax());
        this.requestOverride = AwsRequestOverrideConfiguration.builder()
                .apiCallTimeout(config.requestTimeout()).build();
        this.ttlNanos = config.recordTtl().toNanos();
        this.sender = new Thread(this::runSender, "rtpipe-producer-" + config.streamName());
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /**
     * A producer with its own Kinesis client built from {@code clients}; {@link #close()} closes that client. The
     * client does not retry by itself: the producer retries only the failed entries, within the record TTL, and
     * counts every retry. SDK retries inside an attempt would resend whole batches whose first try timed out after
     * Kinesis stored them, multiplying duplicates under load.
     */
    public static KinesisBatchProducer create(AwsClients clients, ProducerConfig config) {
        return new KinesisBatchProducer(
                clients.kinesisAsync(overrides -> overrides.retryStrategy(AwsRetryStrategy.doNotRetry())), true, config);
    }

    /**
     * A producer on a client the caller built (for custom interceptors or HTTP settings) and keeps owning: {@link
     * #close()} leaves it open.
     */
    public static KinesisBatchProducer create(KinesisAsyncClient client, ProducerConfig config) {
        return new KinesisBatchProducer(client, false, config);
    }

    public ProducerConfig config() {
        return config;
    }

    /**
     * The stream's open shards, from ListShards (every page), for the aggregating producer's lanes.
     *
     * @throws IllegalStateException with one sentence when ListShards fails
     */
    @Override
    public List<ShardRange> openShards() {
        List<ShardRange> open = new ArrayList<>();
        String token = null;
        try {
            do {
                String page = token;
                ListShardsResponse response = client.listShards(b -> {
                    if (page == null) {
                        b.streamName(config.streamName());
                    } else {
                        b.nextToken(page);
                    }
                    b.overrideConfiguration(requestOverride);
                }).join();
                response.shards().stream()
                        .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
                        .forEach(s -> open.add(new ShardRange(s.shardId(),
                                new BigInteger(s.hashKeyRange().startingHashKey()),
                                new BigInteger(s.hashKeyRange().endingHashKey()))));
                token = response.nextToken();
            } while (token != null);
        } catch (CompletionException e) {
            throw new IllegalStateException("cannot list the shards of stream " + config.streamName() + ": "
                    + RetryClassifier.describe(e), e);
        }
        return open;
    }

    @Override
    public CompletableFuture<PutResult> send(byte[] data) throws InterruptedException {
        return send(partitionKeys.keyFor(data), data);
    }

    @Override
    public CompletableFuture<PutResult> send(String partitionKey, byte[] data) throws InterruptedException {
        if (data == null) {
            throw new NullPointerException("data");
        }
        if (closed) {
            throw new IllegalStateException("the producer is closed and accepts no more records");
        }
        long now = System.nanoTime();
        if (!PartitionKeySelector.isValid(partitionKey)) {
            return rejected(data, partitionKey, FailureReason.INVALID_PARTITION_KEY,
                    PartitionKeySelector.invalidKeyMessage(partitionKey));
        }
        int size = data.length + Utf8.length(partitionKey);
        if (size > config.maxRecordBytes()) {
            return rejected(data, partitionKey, FailureReason.RECORD_TOO_LARGE,
                    "the record has " + size + " bytes (data " + data.length + " + partition key), above the limit of "
                            + config.maxRecordBytes() + " bytes per record");
        }
        PendingRecord record = new PendingRecord(data, partitionKey, size, now);
        try {
            accumulator.append(record, config.whenBufferFull() == ProducerConfig.BufferFullPolicy.BLOCK);
        } catch (BufferFullException full) {
            metrics.bufferFullRejections.increment();
            throw full;
        }
        metrics.recordsAccepted.increment();
        metrics.bytesAccepted.add(data.length);
        return record.future;
    }

    private CompletableFuture<PutResult> rejected(byte[] data, String key, FailureReason reason, String message) {
        PendingRecord record = new PendingRecord(data, key, data.length, 0);
        notifyFailure(record, reason, message);
        return record.future;
    }

    @Override
    public void flush() throws InterruptedException {
        accumulator.awaitDrained(Long.MAX_VALUE);
    }

    @Override
    public boolean flush(Duration timeout) throws InterruptedException {
        return accumulator.awaitDrained(timeout.toNanos());
    }

    @Override
    public ProducerMetrics metrics() {
        return metrics.snapshot(accumulator.bufferedRecords(), accumulator.bufferedBytes(),
                config.maxInFlightRequests() - inFlight.availablePermits(), partitionKeys.fallbacks());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        accumulator.close();
        boolean interrupted = false;
        try {
            if (!accumulator.awaitDrained(config.closeTimeout().toNanos())) {
                LOG.warn("closing the producer for stream {}: {} records not acknowledged within {}; failing them",
                        config.streamName(), accumulator.bufferedRecords(), config.closeTimeout());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        failAll(accumulator.abort(), FailureReason.PRODUCER_CLOSED, CLOSED_MESSAGE);
        sender.interrupt(); // it may hold a batch while waiting for a request slot: it fails that batch
        try {
            sender.join(TimeUnit.SECONDS.toMillis(5));
            // In-flight requests end within the request timeout; wait for them so their records are reported.
            accumulator.awaitDrained(config.requestTimeout().toNanos());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (ownsClient) {
            client.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void runSender() {
        try {
            List<PendingRecord> batch;
            while ((batch = accumulator.awaitBatch()) != null) {
                List<PendingRecord> live = dropExpired(batch);
                try {
                    // Wait for a request slot, but wake up when the earliest record in hand expires.
                    while (!live.isEmpty()
                            && !inFlight.tryAcquire(nanosUntilFirstDeadline(live), TimeUnit.NANOSECONDS)) {
                        live = dropExpired(live);
                    }
                } catch (InterruptedException closing) {
                    failAll(live, FailureReason.PRODUCER_CLOSED, CLOSED_MESSAGE);
                    return;
                }
                if (!live.isEmpty()) {
                    put(live);
                }
            }
        } catch (InterruptedException closing) {
            // Interrupted while waiting for a batch: holds no records.
        } catch (RuntimeException | Error e) {
            LOG.error("the producer's sender thread for stream {} died; buffered records fail at close",
                    config.streamName(), e);
        }
    }

    private List<PendingRecord> dropExpired(List<PendingRecord> records) {
        long now = System.nanoTime();
        List<PendingRecord> live = null;
        for (int i = 0; i < records.size(); i++) {
            PendingRecord r = records.get(i);
            if (r.expiredAt(now)) {
                if (live == null) {
                    live = new ArrayList<>(records.subList(0, i));
                }
                expire(r);
            } else if (live != null) {
                live.add(r);
            }
        }
        return live == null ? records : live;
    }

    private void expire(PendingRecord r) {
        String last = r.lastError == null ? "no attempt answered" : "last error: " + r.lastError;
        notifyFailure(r, FailureReason.TTL_EXPIRED, "not acknowledged within the record TTL of " + config.recordTtl()
                + " from its first attempt, after " + r.attempts + " attempt(s); " + last);
        accumulator.release(1, r.size);
    }

    private static long nanosUntilFirstDeadline(List<PendingRecord> records) {
        long now = System.nanoTime();
        long first = Long.MAX_VALUE;
        for (PendingRecord r : records) {
            first = Math.min(first, r.nanosUntilExpiry(now));
        }
        return first;
    }

    private void put(List<PendingRecord> batch) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
        long now = System.nanoTime();
        for (PendingRecord r : batch) {
            if (r.attempts++ > 0) {
                metrics.recordRetries.increment();
            } else {
                r.deadlineNanos = now + ttlNanos;
            }
            entries.add(r.entry());
        }
        PutRecordsRequest request = PutRecordsRequest.builder()
                .streamName(config.streamName())
                .records(entries)
                .overrideConfiguration(requestOverride)
                .build();
        metrics.putRequests.increment();
        long start = System.nanoTime();
        CompletableFuture<PutRecordsResponse> response;
        try {
            response = client.putRecords(request);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((result, error) -> {
            inFlight.release();
            try {
                onResponse(batch, result, error, start);
            } catch (RuntimeException | Error e) {
                // Never leave records unfinished: a bug here must still end them, loudly.
                LOG.error("handling a PutRecords response failed; failing its unfinished records", e);
                failAll(batch, FailureReason.NON_RETRYABLE_ERROR, "internal producer error: " + e);
            }
        });
    }

    private void onResponse(List<PendingRecord> batch, PutRecordsResponse response, Throwable error, long start) {
        long now = System.nanoTime();
        metrics.putLatency(now - start);
        if (error != null) {
            metrics.failedPutRequests.increment();
            String reason = RetryClassifier.describe(error);
            if (RetryClassifier.isRetryable(error)) {
                retry(batch, reason, now);
            } else {
                failAll(batch, FailureReason.NON_RETRYABLE_ERROR, "PutRecords failed: " + reason);
            }
            return;
        }
        List<PutRecordsResultEntry> results = response.records();
        if (results.size() != batch.size()) {
            // Cannot tell which entry is which: retry all (may duplicate, never loses).
            retry(batch, "PutRecords answered " + results.size() + " entries for " + batch.size() + " records", now);
            return;
        }
        List<PendingRecord> retries = null;
        int acked = 0;
        long ackedData = 0;
        int done = 0;
        long doneBytes = 0;
        for (int i = 0; i < results.size(); i++) {
            PendingRecord r = batch.get(i);
            PutRecordsResultEntry result = results.get(i);
            String code = result.errorCode();
            if (code == null) {
                r.future.complete(new PutResult(result.shardId(), result.sequenceNumber(), r.attempts));
                metrics.recordLatency(now - r.acceptedNanos);
                acked++;
                ackedData += r.data.length;
            } else if (RetryClassifier.isRetryableEntryError(code)) {
                if (retries == null) {
                    retries = new ArrayList<>();
                }
                r.lastError = code + ": " + result.errorMessage();
                retries.add(r);
                continue;
            } else {
                notifyFailure(r, FailureReason.NON_RETRYABLE_ERROR, "Kinesis rejected the record: " + code + ": "
                        + result.errorMessage());
            }
            done++;
            doneBytes += r.size;
        }
        metrics.recordsAcknowledged.add(acked);
        metrics.bytesAcknowledged.add(ackedData);
        accumulator.release(done, doneBytes);
        if (retries != null) {
            requeue(retries, now);
        }
    }

    private void retry(List<PendingRecord> records, String reason, long now) {
        for (PendingRecord r : records) {
            r.lastError = reason;
        }
        requeue(records, now);
    }

    /** Schedules each record's next attempt after its backoff, or at its deadline if that comes first. */
    private void requeue(List<PendingRecord> records, long now) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (PendingRecord r : records) {
            long due = now + backoff.delayNanos(r.attempts, random.nextDouble());
            r.dueNanos = due - r.deadlineNanos < 0 ? due : r.deadlineNanos;
        }
        List<PendingRecord> refused = accumulator.requeue(records);
        failAll(refused, FailureReason.PRODUCER_CLOSED,
                CLOSED_MESSAGE + (refused.isEmpty() ? "" : "; last error: " + refused.get(0).lastError));
    }

    private void failAll(List<PendingRecord> records, FailureReason reason, String message) {
        if (records.isEmpty()) {
            return;
        }
        long bytes = 0;
        for (PendingRecord r : records) {
            notifyFailure(r, reason, message);
            bytes += r.size;
        }
        accumulator.release(records.size(), bytes);
    }

    /** Tells the listener, then completes the future, so a caller waking on the future sees the listener's effects. */
    private void notifyFailure(PendingRecord r, FailureReason reason, String message) {
        RecordFailure failure = new RecordFailure(r.data, r.partitionKey, reason, message, r.attempts);
        metrics.failed(reason);
        try {
            config.failureListener().onFailure(failure);
        } catch (RuntimeException e) {
            LOG.error("the failure listener threw for {}", failure, e);
        }
        r.future.completeExceptionally(new RecordFailedException(failure));
    }
}
