package io.rtpipe.producer.kinesis;

import io.rtpipe.producer.BufferFullException;
import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.RecordFailedException;
import io.rtpipe.producer.RecordFailure;
import io.rtpipe.sandbox.LocalAws;
import io.rtpipe.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.rtpipe.sandbox.UniqueNames.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The producer against the sandbox's Kinesis (kinesis-mock by default), with interceptors only for faults the
 * emulator cannot make.
 */
@ExtendWith(SandboxExtension.class)
class KinesisBatchProducerIT {

    /** Production's client plus interceptors, with the SDK's own retries off so every fault reaches us. */
    private static KinesisAsyncClient clientWith(LocalAws aws, ExecutionInterceptor... interceptors) {
        return aws.clients().kinesisAsync(o -> {
            for (ExecutionInterceptor interceptor : interceptors) {
                o.addExecutionInterceptor(interceptor);
            }
            o.retryStrategy(AwsRetryStrategy.doNotRetry());
        });
    }

    /** {@code n} distinct JSON events of about a hundred bytes, keyed by 200 users (the sources live downstream). */
    private static List<byte[]> events(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(("{\"event_id\":\"" + seed + "-" + i + "\",\"ts\":" + (1_700_000_000_000L + i)
                    + ",\"type\":\"click\",\"user_id\":\"u" + random.nextInt(200) + "\",\"amount\":"
                    + random.nextInt(1000) + "}").getBytes(StandardCharsets.UTF_8));
        }
        return events;
    }

    private static Map<String, Long> countById(List<String> ids) {
        return ids.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void everyGeneratedEventArrivesExactlyOnceAcrossShards(LocalAws aws) throws Exception {
        String stream = unique("producer-it");
        aws.createStream(stream, 4);
        int n = 2_000;
        List<byte[]> events = events(1, n);
        Set<String> sentIds = events.stream().map(StreamReader::eventId).collect(Collectors.toSet());
        assertThat(sentIds).hasSize(n);

        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        long start = System.nanoTime();
        ProducerMetrics metrics;
        try (KinesisBatchProducer producer = KinesisBatchProducer.create(aws.clients(),
                ProducerConfig.builder(stream).partitionKeyField("user_id").build())) {
            for (byte[] event : events) {
                futures.add(producer.send(event));
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            metrics = producer.metrics();
            System.out.printf("producer IT: %d records acknowledged by kinesis-mock in %.2f s = %.0f records/s; %s%n",
                    n, seconds, n / seconds, metrics);
        }
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        Set<String> shards = futures.stream().map(f -> f.join().shardId()).collect(Collectors.toSet());
        assertThat(shards).as("keys spread over the shards").hasSize(4);
        assertThat(metrics.recordsAcknowledged()).isEqualTo(n);
        assertThat(metrics.recordsFailed()).isZero();
        assertThat(metrics.partitionKeyFallbacks()).isZero();
        assertThat(metrics.bytesAcknowledged()).isEqualTo(events.stream().mapToLong(e -> e.length).sum());
        assertThat(metrics.putRequests()).as("batched: at most 500 per request").isBetween(4L, (long) n);
        assertThat(metrics.bufferedRecords()).isZero();

        try (KinesisAsyncClient reader = clientWith(aws)) {
            List<String> stored = StreamReader.eventIds(reader, stream, n, Duration.ofSeconds(30));
            assertThat(stored).hasSize(n);
            assertThat(new HashSet<>(stored)).isEqualTo(sentIds);
        }
    }

    /**
     * A pipeline far slower than the TTL (one request of 20 records in flight, each held back 100 ms, a TTL of 300 ms)
     * and a small blocking buffer: records wait seconds before their first attempt. The TTL counts from that attempt,
     * so none fails; the caller is slowed down by the full buffer instead.
     */
    @Test
    void recordsQueuedBehindAFullPipelineAreNeverFailedForTheirTimeInTheQueue(LocalAws aws) throws Exception {
        String stream = unique("producer-queued-it");
        aws.createStream(stream, 1);
        int n = 400;
        List<byte[]> events = events(5, n);
        ExecutionInterceptor slow = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutRecordsRequest) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        List<RecordFailure> failures = new CopyOnWriteArrayList<>();
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        long maxWaitNanos;
        try (KinesisAsyncClient client = clientWith(aws, slow);
             KinesisBatchProducer producer = KinesisBatchProducer.create(client, ProducerConfig.builder(stream)
                     .maxInFlightRequests(1).maxBatchRecords(20).maxBufferedRecords(100)
                     .recordTtl(Duration.ofMillis(300)).failureListener(failures::add).build())) {
            long start = System.nanoTime();
            for (byte[] event : events) {
                futures.add(producer.send(event));
            }
            assertThat(producer.flush(Duration.ofSeconds(120))).isTrue();
            maxWaitNanos = System.nanoTime() - start;
        }
        assertThat(maxWaitNanos).as("the run took many TTLs (else this test proves nothing)")
                .isGreaterThan(Duration.ofMillis(300 * 4).toNanos());
        assertThat(failures).isEmpty();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        try (KinesisAsyncClient reader = clientWith(aws)) {
            List<String> stored = StreamReader.eventIds(reader, stream, n, Duration.ofSeconds(30));
            assertThat(new HashSet<>(stored)).isEqualTo(events.stream().map(StreamReader::eventId)
                    .collect(Collectors.toSet()));
        }
    }

    @Test
    void retriesOnlyFailedEntriesAndStoresEveryEventWithDuplicatesOnlyForLostAcknowledgements(LocalAws aws)
            throws Exception {
        String stream = unique("producer-retry-it");
        aws.createStream(stream, 2);
        int n = 600;
        List<byte[]> events = events(2, n);
        FaultInjector faults = new FaultInjector(new FaultInjector.Plan() {
            @Override
            public FaultInjector.RequestFault forRequest(int index) {
                return switch (index) {
                    case 1 -> FaultInjector.RequestFault.FAIL_BEFORE_SENDING;
                    case 3 -> FaultInjector.RequestFault.LOSE_RESPONSE;
                    default -> FaultInjector.RequestFault.NONE;
                };
            }

            @Override
            public boolean failEntry(String eventId, int attempt) {
                return attempt <= 2 && FaultInjector.everyNth(5).test(eventId);
            }
        });

        Map<String, CompletableFuture<PutResult>> futures = new LinkedHashMap<>();
        ProducerMetrics metrics;
        try (KinesisAsyncClient client = clientWith(aws, faults);
             KinesisBatchProducer producer = KinesisBatchProducer.create(client, ProducerConfig.builder(stream)
                     .maxBatchRecords(100).linger(Duration.ofMillis(20)).maxInFlightRequests(4)
                     .backoffBase(Duration.ofMillis(10)).backoffMax(Duration.ofMillis(100)).build())) {
            for (byte[] event : events) {
                futures.put(StreamReader.eventId(event), producer.send(event));
            }
            producer.flush();
            metrics = producer.metrics();
        }

        int injected = faults.injectedFailures.values().stream().mapToInt(AtomicInteger::get).sum();
        assertThat(injected).as("the plan injected entry failures").isGreaterThan(n / 5);
        assertThat(faults.lostAcks).as("one response was lost").isNotEmpty();
        long expectedRetries = 0;
        for (Map.Entry<String, CompletableFuture<PutResult>> e : futures.entrySet()) {
            String id = e.getKey();
            int attempts = faults.attempts.get(id).get();
            int failures = faults.injectedFailures.getOrDefault(id, new AtomicInteger()).get();
            assertThat(attempts).as("attempts of %s: one plus one per injected failure, no more", id)
                    .isEqualTo(1 + failures);
            assertThat(e.getValue().join().attempts()).isEqualTo(attempts);
            expectedRetries += attempts - 1;
        }
        assertThat(metrics.recordRetries()).isEqualTo(expectedRetries);
        assertThat(metrics.failedPutRequests()).isEqualTo(faults.failedRequests.get()).isEqualTo(2);
        assertThat(metrics.recordsAcknowledged()).isEqualTo(n);
        assertThat(metrics.recordsFailed()).isZero();

        Map<String, Long> expectedCopies = new HashMap<>();
        futures.keySet().forEach(id -> expectedCopies.put(id,
                1L + faults.lostAcks.getOrDefault(id, new AtomicInteger()).get()));
        long expectedTotal = expectedCopies.values().stream().mapToLong(Long::longValue).sum();
        try (KinesisAsyncClient reader = clientWith(aws)) {
            List<String> stored = StreamReader.eventIds(reader, stream, (int) expectedTotal, Duration.ofSeconds(30));
            assertThat(countById(stored)).isEqualTo(expectedCopies);
        }
    }

    @Test
    void recordsFailWithTheirTtlWhenEveryAttemptFails(LocalAws aws) throws Exception {
        FaultInjector alwaysFails = new FaultInjector(new FaultInjector.Plan() {
            @Override
            public FaultInjector.RequestFault forRequest(int index) {
                return FaultInjector.RequestFault.FAIL_BEFORE_SENDING;
            }

            @Override
            public boolean failEntry(String eventId, int attempt) {
                return false;
            }
        });
        List<RecordFailure> failures = new CopyOnWriteArrayList<>();
        int n = 50;
        Duration ttl = Duration.ofSeconds(2);
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        ProducerMetrics metrics;
        double seconds;
        try (KinesisAsyncClient client = clientWith(aws, alwaysFails)) {
            client.listStreams().join(); // warm the client up so its first-call cost does not eat the TTL
            long start = System.nanoTime();
            try (KinesisBatchProducer producer = KinesisBatchProducer.create(client, ProducerConfig.builder("unused")
                    .recordTtl(ttl).backoffBase(Duration.ofMillis(20)).backoffMax(Duration.ofMillis(200))
                    .failureListener(failures::add).build())) {
                for (byte[] event : events(3, n)) {
                    futures.add(producer.send(event));
                }
                assertThat(producer.flush(Duration.ofSeconds(15))).isTrue();
                seconds = (System.nanoTime() - start) / 1e9;
                metrics = producer.metrics();
            }
        }
        assertThat(seconds).as("records end at their TTL, not later").isBetween(1.95, 5.0);
        assertThat(futures).allSatisfy(f -> assertThatThrownBy(f::join)
                .hasCauseInstanceOf(RecordFailedException.class).hasMessageContaining("TTL_EXPIRED"));
        assertThat(failures).hasSize(n).allSatisfy(f -> {
            assertThat(f.reason()).isEqualTo(FailureReason.TTL_EXPIRED);
            assertThat(f.message()).contains("PT2S").contains("injected: connection reset");
            assertThat(f.attempts()).isPositive();
        });
        assertThat(failures.stream().mapToInt(RecordFailure::attempts).sum() - n)
                .as("retries until the TTL").isEqualTo(metrics.recordRetries()).isPositive();
        assertThat(metrics.failuresByReason()).containsEntry(FailureReason.TTL_EXPIRED, (long) n);
        assertThat(metrics.recordsAcknowledged()).isZero();
    }

    @Test
    void aMissingStreamFailsRecordsAtOnceWithTheReason(LocalAws aws) throws Exception {
        List<RecordFailure> failures = new CopyOnWriteArrayList<>();
        try (KinesisBatchProducer producer = KinesisBatchProducer.create(aws.clients(),
                ProducerConfig.builder(unique("missing")).failureListener(failures::add).build())) {
            var future = producer.send(events(4, 1).get(0));
            assertThat(producer.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(future).isCompletedExceptionally();
        }
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(FailureReason.NON_RETRYABLE_ERROR);
            assertThat(f.message()).contains("ResourceNotFoundException");
            assertThat(f.attempts()).isEqualTo(1);
        });
    }

    /** Holds every PutRecords call until opened, so the producer's buffer fills up. */
    private static final class Gate implements ExecutionInterceptor {
        final CountDownLatch open = new CountDownLatch(1);

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutRecordsRequest) {
                try {
                    open.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return context.request();
        }
    }

    @Test
    void aFullBufferFailsFastOrBlocksUntilSpaceFrees(LocalAws aws) throws Exception {
        String stream = unique("producer-bp-it");
        aws.createStream(stream, 1);
        ProducerConfig.Builder config = ProducerConfig.builder(stream).maxInFlightRequests(1).maxBufferedRecords(20)
                .linger(Duration.ZERO);

        Gate failFastGate = new Gate();
        try (KinesisAsyncClient client = clientWith(aws, failFastGate);
             KinesisBatchProducer producer = KinesisBatchProducer.create(client,
                     config.whenBufferFull(ProducerConfig.BufferFullPolicy.FAIL_FAST).build())) {
            List<CompletableFuture<PutResult>> accepted = new ArrayList<>();
            for (byte[] event : events(5, 20)) {
                accepted.add(producer.send(event));
            }
            assertThatThrownBy(() -> producer.send(events(6, 1).get(0)))
                    .isInstanceOf(BufferFullException.class).hasMessageContaining("20 records");
            assertThat(producer.metrics().bufferFullRejections()).isEqualTo(1);
            assertThat(producer.metrics().bufferedRecords()).isEqualTo(20);
            failFastGate.open.countDown();
            producer.flush();
            assertThat(accepted).allSatisfy(f -> assertThat(f).isCompleted().isNotCompletedExceptionally());
        }

        Gate blockingGate = new Gate();
        try (KinesisAsyncClient client = clientWith(aws, blockingGate);
             KinesisBatchProducer producer = KinesisBatchProducer.create(client,
                     config.whenBufferFull(ProducerConfig.BufferFullPolicy.BLOCK).build())) {
            for (byte[] event : events(7, 20)) {
                producer.send(event);
            }
            AtomicReference<CompletableFuture<PutResult>> late = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try {
                    late.set(producer.send(events(8, 1).get(0)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sender.start();
            sender.join(300);
            assertThat(sender.isAlive()).as("send blocks while the buffer is full").isTrue();
            assertThat(producer.metrics().bufferedRecords()).isEqualTo(20);
            blockingGate.open.countDown();
            sender.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(sender.isAlive()).isFalse();
            producer.flush();
            assertThat(late.get()).isCompleted().isNotCompletedExceptionally();
            assertThat(producer.metrics().recordsAcknowledged()).isEqualTo(21);
        }
    }
}
