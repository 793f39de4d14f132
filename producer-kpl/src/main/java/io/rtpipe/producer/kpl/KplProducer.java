package io.rtpipe.producer.kpl;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.rtpipe.producer.BufferFullException;
import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.RecordFailedException;
import io.rtpipe.producer.RecordFailure;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.SendGuard;
import io.rtpipe.producer.kinesis.ProducerConfig.BufferFullPolicy;
import io.rtpipe.producer.partition.PartitionKeyWithFallback;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import software.amazon.kinesis.producer.Attempt;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordFailedException;
import software.amazon.kinesis.producer.UserRecordResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The {@link RecordProducer} contract on the Kinesis Producer Library 1.x, whose native daemon batches, aggregates,
 * rate-limits and retries. This adapter adds what the KPL lacks: a bound on outstanding records ({@code send} blocks
 * or fails fast instead of buffering without limit), the failure listener, one-sentence failure reasons, counters in
 * {@link ProducerMetrics}, and a {@link #close()} that waits for the daemon process to be gone.
 *
 * <p>Metrics: {@code putRequests}, {@code failedPutRequests}, {@code inFlightRequests} and {@code putLatency} stay zero
 * because the daemon does not report them without its CloudWatch metrics; {@code recordRetries} counts attempts
 * beyond the first per user record (the attempts of the aggregated record it travelled in).
 */
public final class KplProducer implements RecordProducer {

    /** Kinesis' limit for one record: data plus UTF-8 partition key. */
    /** The KPL's error code for records whose TTL ran out. */
    private static final String EXPIRED = "Expired";
    private static final Duration DAEMON_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DAEMON_EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final long FLUSH_POLL_MILLIS = 100;

    private final KplConfig config;
    private final KinesisProducer kpl;
    private final Set<Long> daemonPids;
    private final Semaphore permits;
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    private volatile boolean closed;
    private volatile boolean destroyed;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder bytesAccepted = new LongAdder();
    private final LongAdder bytesAcknowledged = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder bufferFullRejections = new LongAdder();
    private final PartitionKeyWithFallback partitionKeys;
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final Map<FailureReason, LongAdder> failures = new EnumMap<>(FailureReason.class);
    private final Histogram recordLatencyMicros = new ConcurrentHistogram(3);

    /** A user record in the KPL: its future, and what a failure report needs. Ends exactly once. */
    private static final class Pending extends CompletableFuture<PutResult> {
        final byte[] data;
        final String partitionKey;
        final int size;
        final long sentNanos = System.nanoTime();
        final AtomicBoolean ended = new AtomicBoolean();

        Pending(byte[] data, String partitionKey, int size) {
            this.data = data;
            this.partitionKey = partitionKey;
            this.size = size;
        }
    }

    private KplProducer(KplConfig config, KinesisProducer kpl, Set<Long> daemonPids) {
        this.config = config;
        this.partitionKeys = new PartitionKeyWithFallback(config.partitionKeys());
        this.kpl = kpl;
        this.daemonPids = daemonPids;
        this.permits = new Semaphore(config.maxOutstandingRecords());
        for (FailureReason reason : FailureReason.values()) {
            failures.put(reason, new LongAdder());
        }
    }

    /**
     * Unpacks (if needed) and starts the KPL daemon and returns once its process runs. The daemon loads the stream's
     * shard map asynchronously: records sent in its first second or so are not aggregated yet.
     *
     * @throws IllegalStateException if the native daemon does not start (unsupported platform, missing libraries)
     */
    public static KplProducer start(KplConfig config) {
        Path temp;
        try {
            // The real path: the daemon's command line, by which we recognise it, has symbolic links resolved.
            temp = Files.createDirectories(config.tempDirectory()).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the KPL temp directory " + config.tempDirectory() + ": " + e.getMessage(), e);
        }
        Set<Long> before = daemonsUnder(temp);
        KinesisProducer kpl = new KinesisProducer(kplConfiguration(config, temp));
        long deadline = System.nanoTime() + DAEMON_START_TIMEOUT.toNanos();
        Set<Long> started = Set.of();
        while (started.isEmpty() && System.nanoTime() < deadline) {
            started = daemonsUnder(temp).stream().filter(pid -> !before.contains(pid)).collect(Collectors.toSet());
            if (started.isEmpty()) {
                sleepQuietly(20);
            }
        }
        if (started.isEmpty()) {
            kpl.destroy();
            throw new IllegalStateException("The KPL native daemon did not start within " + DAEMON_START_TIMEOUT
                    .toSeconds() + " s from " + temp + " (see the KPL's log lines for why).");
        }
        return new KplProducer(config, kpl, started);
    }

    private static KinesisProducerConfiguration kplConfiguration(KplConfig config, Path temp) {
        var kpl = new KinesisProducerConfiguration()
                .setRegion(config.region())
                .setCredentialsProvider(config.credentials())
                .setMetricsLevel("none")
                .setLogLevel("warning")
                .setRecordTtl(config.recordTtl().toMillis())
                .setRecordMaxBufferedTime(config.maxBufferedTime().toMillis())
                .setAggregationEnabled(config.aggregation())
                .setRequestTimeout(config.requestTimeout().toMillis())
                .setVerifyCertificate(config.verifyCertificate())
                .setTempDirectory(temp.toString());
        config.endpoint().ifPresent(endpoint -> kpl
                .setKinesisEndpoint(endpoint.getHost())
                .setKinesisPort(endpoint.getPort() > 0 ? endpoint.getPort() : 443));
        return kpl;
    }

    @Override
    public CompletableFuture<PutResult> send(byte[] data) throws InterruptedException {
        return send(partitionKeys.keyFor(data), data);
    }

    @Override
    public CompletableFuture<PutResult> send(String partitionKey, byte[] data) throws InterruptedException {
        SendGuard.Refusal refusal = SendGuard.check(partitionKey, data, SendGuard.KINESIS_MAX_RECORD_BYTES);
        SendGuard.requireOpen(closed);
        if (refusal != null) {
            return rejected(data, partitionKey, refusal.reason(), refusal.message());
        }
        int size = SendGuard.recordBytes(partitionKey, data);
        acquirePermit();
        Pending record = new Pending(data, partitionKey, size);
        pending.add(record);
        bufferedBytes.addAndGet(size);
        accepted.increment();
        bytesAccepted.add(data.length);
        try {
            Futures.addCallback(kpl.addUserRecord(config.streamName(), partitionKey, ByteBuffer.wrap(data)),
                    new FutureCallback<>() {
                        @Override
                        public void onSuccess(UserRecordResult result) {
                            succeeded(record, result);
                        }

                        @Override
                        public void onFailure(Throwable error) {
                            failed(record, error);
                        }
                    }, MoreExecutors.directExecutor());
        } catch (RuntimeException kplRefused) {
            // The daemon is gone or the KPL rejected the record's shape: report it like any other failure.
            failed(record, kplRefused);
        }
        return record;
    }

    private void acquirePermit() throws InterruptedException {
        if (config.whenFull() == BufferFullPolicy.BLOCK) {
            permits.acquire();
        } else if (!permits.tryAcquire()) {
            bufferFullRejections.increment();
            throw new BufferFullException("the producer has " + config.maxOutstandingRecords() + " records not yet "
                    + "acknowledged; slow down, raise maxOutstandingRecords or use the BLOCK policy");
        }
    }

    private CompletableFuture<PutResult> rejected(byte[] data, String key, FailureReason reason, String message) {
        Pending record = new Pending(data, key, 0);
        record.ended.set(true);
        report(record, reason, message, 0);
        return record;
    }

    private void succeeded(Pending record, UserRecordResult result) {
        if (!end(record)) {
            return;
        }
        settle(record, () -> {
            int attempts = Math.max(1, result.getAttempts().size());
            acknowledged.increment();
            bytesAcknowledged.add(record.data.length);
            retries.add(attempts - 1L);
            recordLatencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - record.sentNanos));
            record.complete(new PutResult(result.getShardId(), result.getSequenceNumber(), attempts));
        });
    }

    private void failed(Pending record, Throwable error) {
        if (!end(record)) {
            return;
        }
        settle(record, () -> reportFailure(record, error));
    }

    private void reportFailure(Pending record, Throwable error) {
        if (error instanceof UserRecordFailedException rejected) {
            List<Attempt> attempts = rejected.getResult().getAttempts();
            retries.add(Math.max(0, attempts.size() - 1L));
            boolean expired = attempts.stream().anyMatch(a -> EXPIRED.equals(a.getErrorCode()));
            String lastError = attempts.stream()
                    .filter(a -> a.getErrorCode() != null && !EXPIRED.equals(a.getErrorCode()))
                    .reduce((first, second) -> second)
                    .map(a -> a.getErrorCode() + ": " + a.getErrorMessage())
                    .orElse("none");
            if (expired) {
                report(record, FailureReason.TTL_EXPIRED, "the KPL did not get the record acknowledged within its TTL "
                        + "of " + config.recordTtl().toMillis() + " ms (" + attempts.size() + " attempts, last Kinesis "
                        + "error: " + lastError + ")", attempts.size());
            } else {
                report(record, FailureReason.NON_RETRYABLE_ERROR, "Kinesis rejected the record (" + lastError + ")",
                        attempts.size());
            }
        } else if (destroyed) {
            report(record, FailureReason.PRODUCER_CLOSED, "the producer was closed before the record was acknowledged",
                    0);
        } else {
            report(record, FailureReason.NON_RETRYABLE_ERROR, "the KPL failed the record: " + error, 0);
        }
    }

    /** Marks a buffered record ended; false if it already was (a late KPL callback after {@link #close()}). */
    private boolean end(Pending record) {
        return record.ended.compareAndSet(false, true);
    }

    /**
     * Gives an ended record's place back, then counts it and completes its future ({@code outcome}), and only then
     * drops it from the pending set: {@link #flush} returns once that set is empty, and its callers read
     * {@link #metrics()} and the futures right after (counting before the drop closes a race where flush returned
     * with the last acknowledgement not yet counted). The permit goes back first so a future's callback may send.
     */
    private void settle(Pending record, Runnable outcome) {
        bufferedBytes.addAndGet(-record.size);
        permits.release();
        try {
            outcome.run();
        } finally {
            drop(record);
        }
    }

    private void drop(Pending record) {
        pending.remove(record);
        if (pending.isEmpty()) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private void report(Pending record, FailureReason reason, String message, int attempts) {
        failures.get(reason).increment();
        RecordFailure failure = new RecordFailure(record.data, record.partitionKey, reason, message, attempts);
        try {
            config.failureListener().onFailure(failure);
        } finally {
            record.completeExceptionally(new RecordFailedException(failure));
        }
    }

    @Override
    public void flush() throws InterruptedException {
        flushWithin(Long.MAX_VALUE);
    }

    @Override
    public boolean flush(Duration timeout) throws InterruptedException {
        return flushWithin(timeout.toNanos());
    }

    /** Asks the daemon to send everything buffered, again every 100 ms for records sent meanwhile, until none is left. */
    private boolean flushWithin(long timeoutNanos) throws InterruptedException {
        long start = System.nanoTime();
        synchronized (idle) {
            while (!pending.isEmpty()) {
                long left = timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                kpl.flush();
                idle.wait(Math.max(1, Math.min(FLUSH_POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
        return true;
    }

    /** The KPL's own count of user records it holds (queued, aggregating or in flight). */
    public int kplOutstandingRecords() {
        return kpl.getOutstandingRecordsCount();
    }

    /** The process ids of the native daemon this producer started (for CPU accounting and checks). */
    public Set<Long> daemonPids() {
        return daemonPids;
    }

    public KplConfig config() {
        return config;
    }

    @Override
    public ProducerMetrics metrics() {
        Map<FailureReason, Long> byReason = new EnumMap<>(FailureReason.class);
        long failed = 0;
        for (Map.Entry<FailureReason, LongAdder> e : failures.entrySet()) {
            byReason.put(e.getKey(), e.getValue().sum());
            failed += e.getValue().sum();
        }
        return new ProducerMetrics(accepted.sum(), acknowledged.sum(), failed, byReason, bytesAccepted.sum(),
                bytesAcknowledged.sum(), 0, 0, retries.sum(), bufferFullRejections.sum(), partitionKeys.fallbacks(),
                pending.size(), bufferedBytes.get(), 0, ProducerMetrics.Latency.NONE,
                ProducerMetrics.Latency.of(recordLatencyMicros));
    }

    /**
     * Flushes within {@code closeTimeout}, destroys the KPL (which kills its daemon), fails what is left with
     * {@link FailureReason#PRODUCER_CLOSED} and waits until the daemon process is gone (killing it by its PID if it
     * lingers).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean interrupted = false;
        try {
            flush(config.closeTimeout());
        } catch (InterruptedException e) {
            interrupted = true;
        }
        destroyed = true;
        kpl.destroy();
        for (Pending left : List.copyOf(pending)) {
            failed(left, new IllegalStateException("destroyed"));
        }
        awaitDaemonExit();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitDaemonExit() {
        for (long pid : daemonPids) {
            ProcessHandle.of(pid).ifPresent(daemon -> {
                try {
                    daemon.onExit().get(DAEMON_EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException lingering) {
                    daemon.destroyForcibly();
                } catch (InterruptedException e) {
                    daemon.destroyForcibly();
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException impossible) {
                    // onExit() never completes exceptionally
                }
            });
        }
    }

    /** Running children of this JVM that are a KPL daemon unpacked under {@code temp}. */
    private static Set<Long> daemonsUnder(Path temp) {
        String prefix = temp.toString();
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().filter(c -> c.startsWith(prefix) && c.contains("kinesis_producer"))
                        .isPresent())
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
