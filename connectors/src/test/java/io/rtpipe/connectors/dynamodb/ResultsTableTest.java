package io.rtpipe.connectors.dynamodb;

import io.rtpipe.core.engine.WindowResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultsTableTest {

    private static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

    private static WindowResult result(Instant start, Map<String, String> key, String shard, Map<String, Object> values) {
        return new WindowResult("m", start, start.plusSeconds(60), key, shard, values);
    }

    @Test
    void itemRoundTripKeepsValueTypes() {
        byte[] sketch = {1, 2, 3, (byte) 0xFF};
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("count", 42L);
        values.put("sum", 2.0);
        values.put("mean", Double.NaN);
        values.put("top", "a");
        values.put("hll", sketch);
        WindowResult original = result(START, Map.of("type", "click", "region", "eu"), "shardId-1", values);

        WindowResult back = ResultsTable.fromItem(ResultsTable.toItem(original, Instant.now(), Duration.ofDays(30), null),
                location -> {
                    throw new AssertionError("not spilled");
                });

        assertThat(back.metric()).isEqualTo("m");
        assertThat(back.windowStart()).isEqualTo(START);
        assertThat(back.windowEnd()).isEqualTo(START.plusSeconds(60));
        assertThat(back.key()).isEqualTo(original.key());
        assertThat(back.shardId()).isEqualTo("shardId-1");
        assertThat(back.values().get("count")).isEqualTo(42L);
        assertThat(back.values().get("sum")).isEqualTo(2.0);
        assertThat((Double) back.values().get("mean")).isNaN();
        assertThat(back.values().get("top")).isEqualTo("a");
        assertThat((byte[]) back.values().get("hll")).isEqualTo(sketch);
    }

    @Test
    void itemExpiresTheRetentionAfterItsWindowEndsWhenEverWritten() {
        WindowResult result = result(START, Map.of("type", "click"), "shardId-1", Map.of("count", 1L));
        long windowEndPlus30Days = Instant.parse("2024-05-31T12:01:00Z").getEpochSecond();

        for (Instant writtenAt : List.of(Instant.parse("2024-05-01T12:01:05Z"),
                Instant.parse("2026-01-01T00:00:00Z"))) {
            assertThat(ResultsTable.toItem(result, writtenAt, Duration.ofDays(30), null).get("expiresAt").n())
                    .isEqualTo(Long.toString(windowEndPlus30Days));
        }
        assertThat(ResultsTable.toItem(result, START, Duration.ofHours(1), null).get("expiresAt").n())
                .isEqualTo(Long.toString(Instant.parse("2024-05-01T13:01:00Z").getEpochSecond()));
    }

    @Test
    void sortKeyIgnoresGroupByOrderAndSeparatesShards() {
        var ab = new LinkedHashMap<String, String>();
        ab.put("a", "1");
        ab.put("b", "2");
        var ba = new LinkedHashMap<String, String>();
        ba.put("b", "2");
        ba.put("a", "1");

        assertThat(ResultsTable.sortKey(result(START, ab, "s1", Map.of())))
                .isEqualTo(ResultsTable.sortKey(result(START, ba, "s1", Map.of())))
                .isEqualTo("2024-05-01T12:00:00.000Z#{\"a\":\"1\",\"b\":\"2\"}#s1")
                .isNotEqualTo(ResultsTable.sortKey(result(START, ab, "s2", Map.of())));
    }

    @Test
    void sortKeyOrderIsWindowStartOrderAndBoundsSelectHalfOpenRanges() {
        Instant a = START;
        Instant b = START.plusMillis(500);
        Instant c = START.plusSeconds(60);
        List<String> keys = List.of(
                ResultsTable.sortKey(result(a, Map.of("t", "zzz"), "s9", Map.of())),
                ResultsTable.sortKey(result(b, Map.of(), "s0", Map.of())),
                ResultsTable.sortKey(result(c, Map.of("t", "a"), "s0", Map.of())));

        assertThat(keys).isSorted();
        String lo = ResultsTable.sortKeyBound(a);
        String hi = ResultsTable.sortKeyBound(c);
        // BETWEEN lo AND hi: includes windows starting at `from`, excludes those starting at `to`.
        assertThat(keys.get(0)).isGreaterThan(lo).isLessThan(hi);
        assertThat(keys.get(1)).isGreaterThan(lo).isLessThan(hi);
        assertThat(keys.get(2)).isGreaterThan(hi);
    }

    @Test
    void sortKeysSortAsTimeOverTheEngineRangeIncludingBefore1970() {
        List<Instant> starts = List.of(Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:00Z"),
                Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:00Z"));
        List<String> keys = starts.stream()
                .map(start -> ResultsTable.sortKey(result(start, Map.of("t", "x"), "s0", Map.of()))).toList();

        assertThat(keys).isSorted().doesNotHaveDuplicates();
        assertThatThrownBy(() -> ResultsTable.sortKeyBound(Instant.parse("0000-12-31T23:59:59Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0001 to 9999");
    }

    @Test
    void aKeyTooLongForTheSortKeyIsStoredUnderItsStableHashWithTheFullKeyInTheItem() {
        String longType = "t".repeat(1_100);
        WindowResult result = result(START, Map.of("type", longType), "shardId-000000000001", Map.of("count", 3L));

        var item = ResultsTable.toItem(result, Instant.now(), Duration.ofDays(1), null);
        String sortKey = item.get("sk").s();

        assertThat(sortKey.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
        assertThat(sortKey).startsWith("2024-05-01T12:00:00.000Z#sha256:").endsWith("#shardId-000000000001")
                // a replay (another write of the same result) lands on the same item; another key does not
                .isEqualTo(ResultsTable.toItem(result, Instant.now().plusSeconds(9), Duration.ofDays(1), null).get("sk").s())
                .isNotEqualTo(ResultsTable.sortKey(result(START, Map.of("type", longType + "u"),
                        "shardId-000000000001", Map.of())));
        assertThat(ResultsTable.fromItem(item, location -> {
            throw new AssertionError("not spilled");
        }).key()).containsEntry("type", longType);
        // Multi-byte characters count as their UTF-8 bytes: 600 of them make 1,200 bytes.
        assertThat(ResultsTable.sortKey(result(START, Map.of("type", "é".repeat(600)), "s", Map.of())))
                .contains("#sha256:");
        assertThat(ResultsTable.sortKey(result(START, Map.of("type", "t".repeat(900)), "s", Map.of())))
                .contains("#{\"type\"");
    }

    @Test
    void anItemOverTheSizeLimitSpillsItsKeyAndValuesAndReadsBackWhole() {
        byte[] topk = new byte[432 * 1024];
        new java.util.Random(7).nextBytes(topk);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("count", 700L);
        values.put("mean", Double.POSITIVE_INFINITY);
        values.put("first", "a url");
        values.put("top", topk);
        WindowResult result = result(START, Map.of("host", "example.org"), "shardId-1", values);

        var item = ResultsTable.toItem(result, Instant.now(), Duration.ofDays(1), null);
        assertThat(ResultsTable.itemBytes(item)).isGreaterThan(ResultsTable.MAX_ITEM_BYTES);
        assertThat(ResultsTable.itemBytes(ResultsTable.toItem(result(START, Map.of("host", "example.org"), "shardId-1",
                Map.of("count", 700L)), Instant.now(), Duration.ofDays(1), null))).isLessThan(400);

        String objectKey = ResultsTable.spillObjectKey("tbl", result);
        assertThat(objectKey).startsWith("results/tbl/m/" + START.toEpochMilli() + "/").endsWith("/shardId-1.json")
                .isEqualTo(ResultsTable.spillObjectKey("tbl", result(START, Map.of("host", "example.org"),
                        "shardId-1", Map.of())));
        byte[] body = ResultsTable.spillBody(item);
        var stored = ResultsTable.spilledItem(item, "s3://bucket/" + objectKey);
        assertThat(stored).doesNotContainKeys("values", "key", "value_types").containsKey("spilled");
        assertThat(ResultsTable.itemBytes(stored)).isLessThan(1024);

        WindowResult back = ResultsTable.fromItem(stored, location -> {
            assertThat(location).isEqualTo("s3://bucket/" + objectKey);
            return body;
        });
        assertThat(back.key()).isEqualTo(result.key());
        assertThat(back.shardId()).isEqualTo("shardId-1");
        assertThat(back.values().get("count")).isEqualTo(700L);
        assertThat(back.values().get("mean")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(back.values().get("first")).isEqualTo("a url");
        assertThat((byte[]) back.values().get("top")).isEqualTo(topk);
    }
}
