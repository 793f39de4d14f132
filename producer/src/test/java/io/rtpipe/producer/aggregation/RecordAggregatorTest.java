package io.rtpipe.producer.aggregation;

import io.rtpipe.connectors.kpl.proto.KplMessages;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What RecordAggregator writes is decoded with KCL's own de-aggregation, never with our code. */
class RecordAggregatorTest {

    private static final BigInteger TWO_TO_128 = BigInteger.ONE.shiftLeft(128);
    private static final BigInteger MAX_HASH_KEY = TWO_TO_128.subtract(BigInteger.ONE);
    private static final AggregationConfig BUCKETS_32 = AggregationConfig.builder().hashBuckets(32).build();

    /** A user record as the test made it; its index in the input is its handle. */
    private record Input(String partitionKey, byte[] data) {
    }

    @Test
    void kclDeaggregatesEveryRecordWithItsKeyDataAndOrder() throws Exception {
        int buckets = 8;
        RecordAggregator<Integer> aggregator = new RecordAggregator<>(
                AggregationConfig.builder().maxRecordBytes(8 * 1024).hashBuckets(buckets).build());
        List<Input> inputs = randomInputs(new Random(42), 5_000, 300);
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            aggregator.add(in.partitionKey(), in.data(), i, 0L, packed::add);
        }
        aggregator.drainAll(packed::add);

        assertThat(packed).anyMatch(p -> p.members().size() > 1);
        assertThat(aggregator.kinesisRecords()).isEqualTo(packed.size());
        List<KinesisClientRecord> fromStream = new ArrayList<>();
        for (int seq = 0; seq < packed.size(); seq++) {
            fromStream.add(asReadFromStream(packed.get(seq), seq));
        }
        List<KinesisClientRecord> users = new AggregatorUtil().deaggregate(fromStream);

        // Every input comes out once, with its key and bytes; the handles say which input each one is.
        List<Integer> handles = new ArrayList<>();
        packed.forEach(p -> handles.addAll(p.members()));
        assertThat(users).hasSize(inputs.size());
        assertThat(handles).hasSize(inputs.size()).doesNotHaveDuplicates();
        Map<String, List<Integer>> orderPerKey = new LinkedHashMap<>();
        int u = 0;
        for (int seq = 0; seq < packed.size(); seq++) {
            PackedRecord<Integer> p = packed.get(seq);
            for (int sub = 0; sub < p.members().size(); sub++, u++) {
                KinesisClientRecord user = users.get(u);
                Input in = inputs.get(p.members().get(sub));
                assertThat(user.sequenceNumber()).isEqualTo(Integer.toString(seq));
                assertThat(user.partitionKey()).isEqualTo(in.partitionKey());
                assertThat(bytes(user.data())).isEqualTo(in.data());
                assertThat(user.aggregated()).isTrue();
                assertThat(user.subSequenceNumber()).isEqualTo(sub);
                // Kinesis routes the record by MD5 of its partition key; every member carries exactly that hash key,
                // and it lies in the bucket of the member's own key.
                BigInteger routedBy = new BigInteger(1, md5(p.partitionKey()));
                assertThat(user.explicitHashKey()).isEqualTo(routedBy.toString());
                assertThat(bucketOf(routedBy, buckets))
                        .isEqualTo(bucketOf(new BigInteger(1, md5(in.partitionKey())), buckets));
                orderPerKey.computeIfAbsent(in.partitionKey(), k -> new ArrayList<>()).add(p.members().get(sub));
            }
        }
        // Kinesis keeps the order of records with one hash key; records of one partition key come out in input order.
        orderPerKey.values().forEach(order -> assertThat(order).isSorted());
    }

    @Test
    void kclKeepsAnAggregateOnlyOnTheShardItsHashKeyRoutesTo() {
        RecordAggregator<Integer> aggregator = new RecordAggregator<>(BUCKETS_32);
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        List<Input> inputs = randomInputs(new Random(7), 2_000, 100);
        for (int i = 0; i < inputs.size(); i++) {
            aggregator.add(inputs.get(i).partitionKey(), inputs.get(i).data(), i, 0L, packed::add);
        }
        aggregator.drainAll(packed::add);

        AggregatorUtil kcl = new AggregatorUtil();
        for (PackedRecord<Integer> p : packed) {
            BigInteger key = new BigInteger(p.hashKey());
            // A shard whose range is exactly the aggregate's hash key keeps every member: they all share that key.
            assertThat(kcl.deaggregate(List.of(asReadFromStream(p, 1)), key, key)).hasSize(p.members().size());
            // A shard just beside it keeps none (KCL drops the aggregate whole when a member is out of its range).
            assertThat(kcl.deaggregate(List.of(asReadFromStream(p, 1)), key.add(BigInteger.ONE), MAX_HASH_KEY))
                    .isEmpty();
        }
    }

    @Test
    void bucketKeysRouteToTheShardTheKeyWouldReachUnaggregatedWhenShardsAlignWithBuckets() throws Exception {
        int shards = 4;
        HashKeyBuckets buckets = new HashKeyBuckets(32);
        for (int i = 0; i < 10_000; i++) {
            String key = "key-" + i;
            BigInteger natural = new BigInteger(1, md5(key));
            BigInteger assigned = new BigInteger(buckets.hashKey(buckets.bucketOf(key)));
            assertThat(shardOf(assigned, shards)).isEqualTo(shardOf(natural, shards));
        }
    }

    /** Shard lanes after a split (uneven ranges): a key's lane is its own shard, a lane's routing key lies in it. */
    @Test
    void shardLanesRouteEveryKeyByTheShardHoldingItsHashKey() throws Exception {
        BigInteger quarter = TWO_TO_128.shiftRight(2);
        List<ShardRange> shards = List.of(
                new ShardRange("shardId-2", TWO_TO_128.shiftRight(1), MAX_HASH_KEY),
                new ShardRange("shardId-3", BigInteger.ZERO, quarter.subtract(BigInteger.ONE)),
                new ShardRange("shardId-4", quarter, TWO_TO_128.shiftRight(1).subtract(BigInteger.ONE)));
        HashKeyBuckets lanes = HashKeyBuckets.forShards(shards);
        assertThat(lanes.count()).isEqualTo(3);
        List<String> byStart = List.of("shardId-3", "shardId-4", "shardId-2");
        for (int lane = 0; lane < 3; lane++) {
            assertThat(lanes.shardId(lane)).isEqualTo(byStart.get(lane));
            BigInteger hashKey = new BigInteger(lanes.hashKey(lane));
            assertThat(hashKey).isEqualTo(new BigInteger(1, md5(lanes.routingKey(lane))));
            assertThat(shardIdOf(hashKey, shards)).isEqualTo(lanes.shardId(lane));
        }
        for (int i = 0; i < 10_000; i++) {
            String key = "key-" + i;
            assertThat(lanes.shardId(lanes.bucketOf(key))).as(key)
                    .isEqualTo(shardIdOf(new BigInteger(1, md5(key)), shards));
        }
        assertThatThrownBy(() -> HashKeyBuckets.forShards(shards.subList(0, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not tile the hash-key space");
    }

    private static String shardIdOf(BigInteger hashKey, List<ShardRange> shards) {
        return shards.stream().filter(s -> hashKey.compareTo(s.startingHashKey()) >= 0
                && hashKey.compareTo(s.endingHashKey()) <= 0).findFirst().orElseThrow().shardId();
    }

    @Test
    void bucketOfIsTheBucketHoldingMd5OfTheKeyWhetherOrNotTheKeyWasSeenRecently() throws Exception {
        int count = 32;
        HashKeyBuckets buckets = new HashKeyBuckets(count);
        // More distinct keys than the cache has slots, each seen many times, interleaved: hits, misses and evictions;
        // ASCII, non-ASCII, a surrogate pair and keys longer than the reused encoding buffer.
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            keys.add(switch (i % 4) {
                case 0 -> "user-" + i;
                case 1 -> "k\u00fcy-" + i;
                case 2 -> "\uD83D\uDE00-" + i;
                default -> "long-".repeat(30) + i;
            });
        }
        Random random = new Random(5);
        for (int i = 0; i < 30_000; i++) {
            String key = keys.get(random.nextInt(keys.size()));
            // A fresh String each time too: equal keys must hit whether or not they are the same instance.
            String probe = i % 2 == 0 ? key : new String(key.toCharArray());
            assertThat(buckets.bucketOf(probe)).as(key).isEqualTo(bucketOf(new BigInteger(1, md5(key)), count));
        }
    }

    @Test
    void encodingEqualsTheGeneratedProtobufSerialization() {
        RecordAggregator<Integer> aggregator = new RecordAggregator<>(BUCKETS_32);
        List<Input> inputs = randomInputs(new Random(3), 3_000, 200);
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            aggregator.add(inputs.get(i).partitionKey(), inputs.get(i).data(), i, 0L, packed::add);
        }
        aggregator.drainAll(packed::add);

        for (PackedRecord<Integer> p : packed) {
            KplMessages.AggregatedRecord.Builder expected = KplMessages.AggregatedRecord.newBuilder()
                    .addExplicitHashKeyTable(p.hashKey());
            List<String> keys = new ArrayList<>();
            for (int member : p.members()) {
                Input in = inputs.get(member);
                if (!keys.contains(in.partitionKey())) {
                    keys.add(in.partitionKey());
                    expected.addPartitionKeyTable(in.partitionKey());
                }
                expected.addRecords(KplMessages.Record.newBuilder()
                        .setPartitionKeyIndex(keys.indexOf(in.partitionKey()))
                        .setExplicitHashKeyIndex(0)
                        .setData(com.google.protobuf.ByteString.copyFrom(in.data())));
            }
            byte[] message = Arrays.copyOfRange(p.data(), 4, p.data().length - 16);
            assertThat(message).isEqualTo(expected.build().toByteArray());
        }
    }

    @Test
    void everyKinesisRecordStaysWithinTheSizeTargetAndFillsIt() {
        int target = 64 * 1024;
        RecordAggregator<Integer> aggregator = new RecordAggregator<>(
                AggregationConfig.builder().maxRecordBytes(target).hashBuckets(1).build());
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[100];
            random.nextBytes(data);
            aggregator.add("event-" + i, data, i, 0L, packed::add);
        }
        aggregator.drainAll(packed::add);

        assertThat(packed).allSatisfy(p -> assertThat(p.kinesisSize()).isLessThanOrEqualTo(target));
        // All but the last were closed because the next record did not fit: within one record's encoding of full.
        assertThat(packed.subList(0, packed.size() - 1))
                .allSatisfy(p -> assertThat(p.kinesisSize()).isGreaterThan(target - 150));
        double perRecord = 20_000.0 / packed.size();
        assertThat(perRecord).isGreaterThan(406);
    }

    @Test
    void recordsBeyondTheTargetGoOutAloneUpToKinesisLimitAndLargerOnesAreRefused() {
        RecordAggregator<Integer> aggregator = new RecordAggregator<>(BUCKETS_32);
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        String key = "k\u00e9"; // 3 UTF-8 bytes
        aggregator.add(key, new byte[10], 0, 0L, packed::add);
        aggregator.add(key, new byte[1024 * 1024 - 100], 1, 0L, packed::add);
        aggregator.add(key, new byte[700 * 1024], 2, 0L, packed::add);
        aggregator.add(key, new byte[10], 3, 0L, packed::add);
        aggregator.drainAll(packed::add);

        assertThat(packed).extracting(PackedRecord::members)
                .containsExactly(List.of(0), List.of(1), List.of(2), List.of(3));
        assertThat(packed).allSatisfy(p ->
                assertThat(p.kinesisSize()).isLessThanOrEqualTo(AggregationConfig.KINESIS_MAX_RECORD_BYTES));
        assertThat(new AggregatorUtil().deaggregate(List.of(asReadFromStream(packed.get(1), 1))))
                .singleElement().satisfies(r -> assertThat(r.data().remaining()).isEqualTo(1024 * 1024 - 100));
        assertThatThrownBy(() -> aggregator.add(key, new byte[1024 * 1024 - 40], 4, 0L, packed::add))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 MiB");
        assertThat(aggregator.userRecords()).isEqualTo(4);
    }

    @Test
    void lingerDrainsOnlyAggregatesOpenedBeforeTheCutoff() {
        RecordAggregator<Integer> aggregator = new RecordAggregator<>(
                AggregationConfig.builder().hashBuckets(1024).build());
        List<PackedRecord<Integer>> packed = new ArrayList<>();
        assertThat(aggregator.hasOpenAggregates()).isFalse();
        aggregator.add("early", new byte[1], 0, 100L, packed::add);
        aggregator.add("late", new byte[1], 1, 200L, packed::add);
        assertThat(aggregator.oldestOpenNanos()).hasValue(100L);

        aggregator.drainOlderThan(150L, packed::add);
        assertThat(packed).extracting(PackedRecord::members).containsExactly(List.of(0));
        assertThat(aggregator.oldestOpenNanos()).hasValue(200L);
        assertThat(aggregator.hasOpenAggregates()).isTrue();
        aggregator.drainOlderThan(200L, packed::add);
        assertThat(aggregator.oldestOpenNanos()).isEmpty();
        assertThat(aggregator.hasOpenAggregates()).isFalse();
        // A record too large for the size target leaves in an aggregate of its own: nothing stays open.
        aggregator.add("early", new byte[AggregationConfig.DEFAULT_MAX_RECORD_BYTES], 2, 300L, packed::add);
        assertThat(packed).hasSize(3);
        assertThat(aggregator.hasOpenAggregates()).isFalse();
    }

    @Test
    void refusesBadKeysAndSettings() {
        RecordAggregator<Integer> aggregator = new RecordAggregator<>(BUCKETS_32);
        assertThatThrownBy(() -> aggregator.add("", new byte[1], 0, 0L, p -> { }))
                .hasMessageContaining("1 to 256 characters");
        assertThatThrownBy(() -> AggregationConfig.builder().maxRecordBytes(2 * 1024 * 1024).build())
                .hasMessageContaining("between");
    }

    /** Random keys (some repeated, some non-ASCII), empty data too. */
    private static List<Input> randomInputs(Random random, int count, int maxDataBytes) {
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = random.nextInt(4) == 0 ? "k\u00fcy-" + random.nextInt(20) : "key-" + random.nextInt(100_000);
            byte[] data = new byte[random.nextInt(maxDataBytes + 1)];
            random.nextBytes(data);
            inputs.add(new Input(key, data));
        }
        return inputs;
    }

    private static KinesisClientRecord asReadFromStream(PackedRecord<?> p, int sequenceNumber) {
        return KinesisClientRecord.builder()
                .sequenceNumber(Integer.toString(sequenceNumber))
                .approximateArrivalTimestamp(Instant.EPOCH)
                .partitionKey(p.partitionKey())
                .data(ByteBuffer.wrap(p.data()))
                .build();
    }

    /** The bucket of a hash key by definition: the range {@code [i, i+1) * 2^128 / buckets} it falls in. */
    private static int bucketOf(BigInteger hashKey, int buckets) {
        return hashKey.multiply(BigInteger.valueOf(buckets)).divide(TWO_TO_128).intValueExact();
    }

    /** The shard of a hash key in a stream of uniformly split shards. */
    private static int shardOf(BigInteger hashKey, int shards) {
        return bucketOf(hashKey, shards);
    }

    private static byte[] md5(String key) throws Exception {
        return MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
