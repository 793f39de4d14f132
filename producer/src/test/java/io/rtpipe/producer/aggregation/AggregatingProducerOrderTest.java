package io.rtpipe.producer.aggregation;

import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.connectors.kpl.proto.KplMessages;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.partition.PartitionKeySelector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-bucket order of {@link AggregatingProducer} against an inner producer the test acknowledges by hand, so the
 * interleavings that reorder aggregates on a real stream happen deterministically.
 */
class AggregatingProducerOrderTest {

    /** Above the smallest size target (1,024): every record leaves at once in an aggregate of its own. */
    private static final int RECORD_BYTES = 1_100;

    /**
     * A bucket becomes free while a hand-over pass is under way (its aggregate is acknowledged on a completion thread
     * while the pass hands another bucket's aggregate over). The bucket's waiting aggregates must still leave in
     * order: the pass that skipped the older one for the busy bucket must not hand over a newer one.
     */
    @Test
    void aBucketFreedDuringAHandOverStillSendsItsAggregatesInOrder() throws Exception {
        HashKeyBuckets buckets = new HashKeyBuckets(2);
        String keyB = keyInBucket(buckets, 0);
        String keyC = keyInBucket(buckets, 1);
        ManualProducer inner = new ManualProducer();
        try (AggregatingProducer producer = new AggregatingProducer(inner, PartitionKeySelector.random(),
                AggregationConfig.builder().hashBuckets(2).maxRecordBytes(1024).linger(Duration.ofHours(1)).build(),
                Duration.ofSeconds(5), ProducerConfig.BufferFullPolicy.BLOCK)) {
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            futures.add(producer.send(keyB, payload("B1")));
            futures.add(producer.send(keyC, payload("C1")));
            futures.add(producer.send(keyB, payload("B2")));
            futures.add(producer.send(keyC, payload("C2")));
            futures.add(producer.send(keyB, payload("B3")));
            assertThat(inner.sentNames()).containsExactly("B1", "C1");

            // When C2 reaches the inner producer, B1's acknowledgement arrives (as from another thread, mid-pass).
            inner.onSend("C2", () -> inner.acknowledge("B1"));
            inner.acknowledge("C1");
            // From here on acknowledge whatever arrives, until all five went through.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                inner.acknowledgeAll();
                return inner.sentNames().size() == 5 && futures.stream().allMatch(CompletableFuture::isDone);
            });

            assertThat(inner.sentNames()).filteredOn(n -> n.startsWith("B")).containsExactly("B1", "B2", "B3");
            assertThat(inner.sentNames()).filteredOn(n -> n.startsWith("C")).containsExactly("C1", "C2");
            assertThat(inner.overlaps()).as("aggregates of one bucket with the inner producer at once").isEmpty();
            assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(r -> r.shardId() != null));
        }
    }

    private static String keyInBucket(HashKeyBuckets buckets, int bucket) {
        for (int i = 0; ; i++) {
            if (buckets.bucketOf("key-" + i) == bucket) {
                return "key-" + i;
            }
        }
    }

    /** A record named {@code name}, padded to {@link #RECORD_BYTES}. */
    private static byte[] payload(String name) {
        byte[] data = new byte[RECORD_BYTES];
        Arrays.fill(data, (byte) '.');
        byte[] prefix = (name + "|").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, data, 0, prefix.length);
        return data;
    }

    /** The names of the user records in an aggregated record, read with the protoc-generated parser. */
    private static List<String> names(byte[] aggregate) {
        try {
            KplMessages.AggregatedRecord message = KplMessages.AggregatedRecord.parseFrom(
                    Arrays.copyOfRange(aggregate, 4, aggregate.length - 16));
            List<String> names = new ArrayList<>();
            for (KplMessages.Record r : message.getRecordsList()) {
                String data = r.getData().toString(StandardCharsets.US_ASCII);
                names.add(data.substring(0, data.indexOf('|')));
            }
            return names;
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not an aggregated record", e);
        }
    }

    /**
     * An inner producer whose records complete only when the test says so. Each aggregate here holds one record, so
     * an aggregate is named by its record. Records which aggregates of one partition key were outstanding together.
     */
    private static final class ManualProducer implements RecordProducer {
        private final List<String> sent = new ArrayList<>();
        private final Map<String, CompletableFuture<PutResult>> outstanding = new HashMap<>();
        private final Map<String, String> keyOf = new HashMap<>();
        private final Map<String, Runnable> hooks = new HashMap<>();
        private final List<String> overlaps = new ArrayList<>();

        @Override
        public CompletableFuture<PutResult> send(byte[] data) {
            throw new UnsupportedOperationException("the aggregating producer always names the key");
        }

        @Override
        public CompletableFuture<PutResult> send(String partitionKey, byte[] data) {
            List<String> members = names(data);
            assertThat(members).hasSize(1);
            String name = members.get(0);
            CompletableFuture<PutResult> future = new CompletableFuture<>();
            Runnable hook;
            synchronized (this) {
                outstanding.forEach((other, f) -> {
                    if (!f.isDone() && keyOf.get(other).equals(partitionKey)) {
                        overlaps.add(other + " and " + name);
                    }
                });
                sent.add(name);
                outstanding.put(name, future);
                keyOf.put(name, partitionKey);
                hook = hooks.remove(name);
            }
            if (hook != null) {
                hook.run();
            }
            return future;
        }

        synchronized void onSend(String name, Runnable hook) {
            hooks.put(name, hook);
        }

        void acknowledge(String name) {
            CompletableFuture<PutResult> future;
            synchronized (this) {
                future = outstanding.get(name);
            }
            future.complete(new PutResult("shardId-0", "seq-" + name, 1));
        }

        void acknowledgeAll() {
            List<CompletableFuture<PutResult>> open;
            synchronized (this) {
                open = new ArrayList<>(outstanding.values());
            }
            open.forEach(f -> f.complete(new PutResult("shardId-0", "seq", 1)));
        }

        synchronized List<String> sentNames() {
            return List.copyOf(sent);
        }

        synchronized List<String> overlaps() {
            return List.copyOf(overlaps);
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean flush(Duration timeout) {
            return true;
        }

        @Override
        public ProducerMetrics metrics() {
            Map<FailureReason, Long> none = new EnumMap<>(FailureReason.class);
            ProducerMetrics.Latency zero = new ProducerMetrics.Latency(0, 0, 0, 0, 0);
            return new ProducerMetrics(0, 0, 0, none, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, zero, zero);
        }

        @Override
        public void close() {
        }
    }
}
