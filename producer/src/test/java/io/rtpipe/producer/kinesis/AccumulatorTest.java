package io.rtpipe.producer.kinesis;

import io.rtpipe.producer.BufferFullException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccumulatorTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private static PendingRecord record(int size) {
        return new PendingRecord(new byte[0], "k", size, 0);
    }

    private Accumulator accumulator(ProducerConfig.Builder config) {
        return new Accumulator(config.build(), clock::get);
    }

    private static ProducerConfig.Builder config() {
        return ProducerConfig.builder("s").linger(Duration.ofMillis(50)).maxBufferedRecords(100_000)
                .maxBufferedBytes(1L << 40);
    }

    @Test
    void sealsBatchesAtTheRecordCountLimit() throws Exception {
        Accumulator acc = accumulator(config());
        for (int i = 0; i < 1200; i++) {
            acc.append(record(10), false);
        }
        assertThat(acc.pollBatch()).hasSize(500);
        assertThat(acc.pollBatch()).hasSize(500);
        assertThat(acc.pollBatch()).as("the partial batch waits for its linger").isNull();
        clock.addAndGet(Duration.ofMillis(50).toNanos());
        assertThat(acc.pollBatch()).hasSize(200);
        assertThat(acc.pollBatch()).isNull();
    }

    @Test
    void sealsBatchesAtTheByteLimitCountingEveryByte() throws Exception {
        Accumulator acc = accumulator(config());
        int size = 1_000_000;
        List<PendingRecord> sent = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            PendingRecord r = record(size);
            sent.add(r);
            acc.append(r, false);
        }
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        int perBatch = (5 * 1024 * 1024) / size; // 5 MiB per request, independent of the code's arithmetic
        List<PendingRecord> received = new ArrayList<>();
        List<PendingRecord> batch;
        while ((batch = acc.pollBatch()) != null) {
            long bytes = batch.stream().mapToLong(r -> r.size).sum();
            assertThat(bytes).isLessThanOrEqualTo(5L * 1024 * 1024);
            assertThat(batch.size()).isLessThanOrEqualTo(perBatch);
            received.addAll(batch);
        }
        assertThat(received).containsExactlyElementsOf(sent);
        assertThat(received).hasSize(13);
    }

    @Test
    void aRecordFillingTheLastBytesSealsTheBatchExactlyAtTheLimit() throws Exception {
        Accumulator acc = accumulator(config().maxBatchBytes(1000).maxRecordBytes(600));
        acc.append(record(600), false);
        acc.append(record(400), false); // exactly 1000: full
        acc.append(record(1), false);
        assertThat(acc.pollBatch()).extracting(r -> r.size).containsExactly(600, 400);
        assertThat(acc.pollBatch()).isNull();
    }

    @Test
    void lingerStartsWithTheFirstRecordOfABatch() throws Exception {
        Accumulator acc = accumulator(config());
        acc.append(record(1), false);
        clock.addAndGet(Duration.ofMillis(49).toNanos());
        acc.append(record(1), false);
        assertThat(acc.pollBatch()).isNull();
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(acc.pollBatch()).hasSize(2);
    }

    @Test
    void dueRetriesGoBeforeNewRecordsAndWaitForTheirBackoff() throws Exception {
        Accumulator acc = accumulator(config().maxBatchRecords(2));
        PendingRecord a = record(1);
        PendingRecord b = record(1);
        acc.append(a, false);
        acc.append(b, false);
        assertThat(acc.pollBatch()).containsExactly(a, b);
        acc.append(record(1), false);
        acc.append(record(1), false); // a sealed batch of new records
        a.dueNanos = clock.get() + 100;
        b.dueNanos = clock.get() + 200;
        acc.requeue(List.of(b, a));
        List<PendingRecord> first = acc.pollBatch();
        assertThat(first).doesNotContain(a, b);
        clock.addAndGet(200);
        assertThat(acc.pollBatch()).containsExactly(a, b);
    }

    @Test
    void failsFastWhenTheRecordOrByteLimitIsReached() throws Exception {
        Accumulator acc = accumulator(config().maxBufferedRecords(3).maxBufferedBytes(2 * 1024 * 1024));
        acc.append(record(10), false);
        acc.append(record(10), false);
        acc.append(record(10), false);
        assertThatThrownBy(() -> acc.append(record(10), false))
                .isInstanceOf(BufferFullException.class).hasMessageContaining("buffer is full");
        acc.release(1, 10);
        acc.append(record(10), false);

        Accumulator bytes = accumulator(config().maxBufferedBytes(1024 * 1024));
        bytes.append(record(1024 * 1024 - 5), false);
        assertThatThrownBy(() -> bytes.append(record(6), false)).isInstanceOf(BufferFullException.class);
        bytes.append(record(5), false);
    }

    @Test
    void blocksUntilSpaceIsReleased() throws Exception {
        Accumulator acc = accumulator(config().maxBufferedRecords(1));
        acc.append(record(10), true);
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread blocked = new Thread(() -> {
            started.countDown();
            try {
                acc.append(record(10), true);
            } catch (Throwable t) {
                error.set(t);
            }
        });
        blocked.start();
        started.await();
        blocked.join(200);
        assertThat(blocked.isAlive()).as("append blocks while the buffer is full").isTrue();
        acc.release(1, 10);
        blocked.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(blocked.isAlive()).isFalse();
        assertThat(error.get()).isNull();
        assertThat(acc.bufferedRecords()).isEqualTo(1);
    }

    @Test
    void closingWakesBlockedSendersAndAbortReturnsEverythingNotInFlight() throws Exception {
        Accumulator acc = accumulator(config().maxBufferedRecords(2).maxBatchRecords(1));
        PendingRecord inFlight = record(1);
        PendingRecord sealed = record(1);
        acc.append(inFlight, false);
        acc.append(sealed, false);
        assertThat(acc.pollBatch()).containsExactly(inFlight);
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread blocked = new Thread(() -> {
            try {
                acc.append(record(1), true);
            } catch (Throwable t) {
                error.set(t);
            }
        });
        blocked.start();
        blocked.join(100);
        acc.close();
        blocked.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");

        assertThat(acc.abort()).containsExactly(sealed);
        PendingRecord retry = record(1);
        assertThat(acc.requeue(List.of(retry))).as("after abort retries come back to be failed").containsExactly(retry);
        assertThat(acc.awaitBatch()).isNull();
    }
}
