package io.rtpipe.producer.aggregation;

import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.PutResult;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.connectors.kpl.proto.KplMessages;
import io.rtpipe.producer.kinesis.ProducerConfig;
import io.rtpipe.producer.partition.PartitionKeySelector;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static java.math.BigInteger.TWO;
import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-lane order of {@link AggregatingProducer} against an inner producer the test acknowledges by hand, so the
 * interleavings that reorder aggregates on a real stream happen deterministically.
 */
class AggregatingProducerOrderTest {

    private static final BigInteger FOUR = BigInteger.valueOf(4);

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
                null, 1024, Duration.ofSeconds(5), ProducerConfig.BufferFullPolicy.BLOCK)) {
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

    /**
     * Lanes follow the shards: the two shards' lanes go concurrently, one aggregate each. When an aggregate lands on
     * another shard than its lane's (the first shard was split), the producer lists the shards again; records sent
     * after that go to the children's lanes, by the children's hash keys, and only once every aggregate of the old
     * lanes completed, so each child gets the old lane's records before the new ones.
     */
    @Test
    void afterASplitNewRecordsTakeTheChildrensLanesOnceTheOldLanesFinished() throws Exception {
        BigInteger quarter = BigInteger.ONE.shiftLeft(126);
        List<ShardRange> before = List.of(range("A", ZERO, quarter.multiply(TWO)), range("B", quarter.multiply(TWO),
                quarter.multiply(FOUR)));
        List<ShardRange> after = List.of(range("A1", ZERO, quarter), range("A2", quarter, quarter.multiply(TWO)),
                before.get(1));
        AtomicReference<List<ShardRange>> shards = new AtomicReference<>(before);
        String keyA1 = keyInRange(ZERO, quarter);
        String keyA2 = keyInRange(quarter, quarter.multiply(TWO));
        String keyB = keyInRange(quarter.multiply(TWO), quarter.multiply(FOUR));
        ManualProducer inner = new ManualProducer();
        try (AggregatingProducer producer = new AggregatingProducer(inner, PartitionKeySelector.random(),
                AggregationConfig.builder().maxRecordBytes(1024).linger(Duration.ofHours(1)).build(), shards::get,
                1024, Duration.ofSeconds(5), ProducerConfig.BufferFullPolicy.BLOCK)) {
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            futures.add(producer.send(keyA1, payload("a1")));
            futures.add(producer.send(keyA2, payload("a2")));
            futures.add(producer.send(keyB, payload("b1")));
            assertThat(inner.sentNames()).as("one aggregate per lane, lanes at once").containsExactly("a1", "b1");
            assertThat(inRange(inner.keyOf("a1"), before.get(0))).isTrue();

            shards.set(after);
            inner.acknowledge("a1", "A1"); // lane A's hash key now belongs to a child: the shards changed
            await().atMost(Duration.ofSeconds(10)).until(() -> producer.laneCount() == 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> inner.sentNames().contains("a2"));
            assertThat(inRange(inner.keyOf("a2"), before.get(0))).as("an old lane's aggregate keeps its hash key")
                    .isTrue();

            futures.add(producer.send(keyA1, payload("a1-new")));
            futures.add(producer.send(keyA2, payload("a2-new")));
            Thread.sleep(300);
            assertThat(inner.sentNames()).as("new lanes wait for the old ones").containsExactly("a1", "b1", "a2");
            inner.acknowledge("a2", "A1");
            inner.acknowledge("b1", "B");
            await().atMost(Duration.ofSeconds(10)).until(() -> inner.sentNames().size() == 5);
            assertThat(inRange(inner.keyOf("a1-new"), after.get(0))).as("by the child's hash key").isTrue();
            assertThat(inRange(inner.keyOf("a2-new"), after.get(1))).as("by the child's hash key").isTrue();
            inner.acknowledge("a1-new", "A1");
            inner.acknowledge("a2-new", "A2");
            assertThat(futures).allSatisfy(f -> assertThat(f).succeedsWithin(Duration.ofSeconds(5)));
            assertThat(inner.overlaps()).as("aggregates of one lane with the inner producer at once").isEmpty();
        }
    }

    private static ShardRange range(String id, BigInteger start, BigInteger end) {
        return new ShardRange(id, start, end.subtract(BigInteger.ONE));
    }

    /** Whether MD5 of the routing key lies in the shard, i.e. Kinesis puts the aggregate there. */
    private static boolean inRange(String routingKey, ShardRange shard) {
        BigInteger hash = md5(routingKey);
        return hash.compareTo(shard.startingHashKey()) >= 0 && hash.compareTo(shard.endingHashKey()) <= 0;
    }

    private static String keyInRange(BigInteger start, BigInteger end) {
        for (int i = 0; ; i++) {
            BigInteger hash = md5("key-" + i);
            if (hash.compareTo(start) >= 0 && hash.compareTo(end) < 0) {
                return "key-" + i;
            }
        }
    }

    private static BigInteger md5(String key) {
        try {
            return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
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
            acknowledge(name, "shardId-0");
        }

        void acknowledge(String name, String shardId) {
            CompletableFuture<PutResult> future;
            synchronized (this) {
                future = outstanding.get(name);
            }
            future.complete(new PutResult(shardId, "seq-" + name, 1));
        }

        synchronized String keyOf(String name) {
            return keyOf.get(name);
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
