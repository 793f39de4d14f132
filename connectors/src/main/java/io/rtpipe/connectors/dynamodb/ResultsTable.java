package io.rtpipe.connectors.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtpipe.contract.ArchivePrefixes;
import io.rtpipe.contract.Tables;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Layout of the window-results table: one item per (metric, window start, group key, shard) partial.
 *
 * <ul>
 *   <li>partition key {@code metric} (S)</li>
 *   <li>sort key {@code sk} (S) = {@code <window_start>#<canonical key JSON>#<shardId>}, where window_start is a
 *       fixed-width UTC timestamp ({@code 2024-05-01T12:00:00.000Z}) so sort-key order is time order and
 *       "windows starting in [from, to)" is one {@code BETWEEN} range; the canonical key JSON has its fields sorted
 *       by name, so the same group key always gives the same item. A sort key over DynamoDB's 1,024 bytes (a long
 *       group-by value) puts {@code sha256:<hex of the canonical key JSON>} in the key's place instead: stable, so a
 *       replay overwrites the same item, and never equal to a JSON key (which starts with a brace); the full key
 *       stays in {@code key}</li>
 *   <li>{@code window_start}, {@code window_end} (S, ISO-8601), {@code key} (S, canonical JSON),
 *       {@code shard_id} (S), {@code values} (M: numbers as N, strings as S, byte[] as B),
 *       {@code value_types} (M of S: long, double, string, bytes; DynamoDB normalizes numbers, so 2.0 would
 *       otherwise read back as a long), {@code updated_at} (S, wall clock of the last write, informational),
 *       {@code expiresAt} (N, epoch seconds: window end + the result retention; the table's TTL attribute, so
 *       DynamoDB deletes a result some time after it; derived from the window, so a replay writes the same),
 *       {@code fingerprint} (S, the metric's {@code MetricSpec.fingerprint()} when written: a reader running another
 *       definition of the metric must not merge it)</li>
 *   <li>{@code spilled} (S), instead of {@code key}, {@code values} and {@code value_types}, on an item that would
 *       exceed {@link #MAX_ITEM_BYTES} (DynamoDB refuses items over 400 KB: a top-K of long values, a large sketch):
 *       {@code s3://<bucket>/<key>} of an object holding those three attributes as JSON ({@link #spillBody}),
 *       written before the item under a key made of the table, metric, window start, key hash and shard
 *       ({@link #spillObjectKey}), so a replay overwrites the same object</li>
 *   <li>fired-through marks: per (metric, shard), an item with sort key {@code ~fired_through#<shardId>} ({@code ~}
 *       sorts after every window start, so no window range reads it), {@code shard_id} (S), {@code fired_through}
 *       (N, epoch millis: every window of the metric ending at or before it has fired on that shard and is written;
 *       {@code Long.MAX_VALUE} once the shard's input ended) and {@code updated_at}; replaced by each write. A mark
 *       the Lambda handler writes ({@link CarriedMark}) adds {@code max_time} (N, the shard's highest event time of
 *       the metric), {@code run_first} (S, the first record of the Lambda window that wrote it) and, if that window
 *       started from one, {@code run_start_max_time} (N): what its next Lambda window resumes the watermark from</li>
 * </ul>
 *
 * <p>Why {@code metric} alone as the partition key: {@code rtpipe query METRIC --from --to} is then a single Query
 * with no scatter. The cost is that one metric's writes share a partition key (about 1,000 writes/s before
 * DynamoDB splits it by sort-key range); a metric that needs more would add a time bucket to the partition key.
 * A {@code --key} filter is applied by the reader: a filter expression would read (and bill) the same items.
 */
public final class ResultsTable {

    /** Key attributes as the CDK app declares the table ({@link Tables#RESULTS}). */
    public static final String METRIC = Tables.RESULTS.partitionKey();
    public static final String SORT_KEY = Tables.RESULTS.sortKey();
    static final String WINDOW_START = "window_start";
    static final String WINDOW_END = "window_end";
    static final String KEY = "key";
    static final String SHARD_ID = "shard_id";
    static final String VALUES = "values";
    static final String VALUE_TYPES = "value_types";
    static final String UPDATED_AT = "updated_at";
    static final String FINGERPRINT = "fingerprint";
    /** Epoch seconds after which DynamoDB's TTL may delete the item: the table's TTL attribute. */
    static final String EXPIRES_AT = Tables.RESULTS_TTL_ATTRIBUTE;
    static final String SPILLED = "spilled";
    /** DynamoDB's limit on a sort key, in UTF-8 bytes. */
    static final int MAX_SORT_KEY_BYTES = 1024;
    /** Items estimated larger spill to S3: DynamoDB's limit is 400 KB; the margin covers the estimate of numbers. */
    static final int MAX_ITEM_BYTES = 384 * 1024;
    private static final String HASHED_KEY = "sha256:";
    static final String FIRED_THROUGH = "fired_through";
    static final String MAX_TIME = "max_time";
    static final String RUN_FIRST = "run_first";
    static final String RUN_START_MAX_TIME = "run_start_max_time";
    /** Sort-key prefix of the fired-through marks: above every fixed-width window start. */
    static final String MARK_PREFIX = Tables.RESULTS_MARK_SORT_KEY_PREFIX;

    private static final DateTimeFormatter FIXED_WIDTH =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> KEY_MAP = new TypeReference<>() {
    };

    private ResultsTable() {
    }

    /**
     * Creates the table (PAY_PER_REQUEST) unless it exists; returns when it is ACTIVE.
     *
     * @throws KeySchemaMismatchException if it exists keyed otherwise than {@link Tables#RESULTS}
     */
    public static void createIfMissing(DynamoDbClient dynamoDb, String tableName) {
        TableProvisioner.createIfMissing(dynamoDb, tableName, Tables.RESULTS);
    }

    static String sortKey(WindowResult result) {
        String key = canonicalKey(result.key());
        String full = timestamp(result.windowStart()) + "#" + key + "#" + result.shardId();
        return utf8Bytes(full) <= MAX_SORT_KEY_BYTES ? full
                : timestamp(result.windowStart()) + "#" + HASHED_KEY + keyHash(key) + "#" + result.shardId();
    }

    /** The hex SHA-256 of a canonical key's UTF-8 bytes. */
    static String keyHash(String canonicalKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonicalKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Where a result's spilled attributes go in the archive bucket: a function of the item's identity only. */
    static String spillObjectKey(String table, WindowResult result) {
        return ArchivePrefixes.RESULTS + "/" + table + "/" + result.metric() + "/" + result.windowStart().toEpochMilli()
                + "/" + keyHash(canonicalKey(result.key())) + "/" + result.shardId() + ".json";
    }

    private static long utf8Bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * An upper estimate of the item's size as DynamoDB counts it (attribute names plus values; a number counts as
     * its longest, 21 bytes; a map adds 3 bytes and 1 per entry).
     */
    static long itemBytes(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += utf8Bytes(attribute.getKey()) + valueBytes(attribute.getValue());
        }
        return bytes;
    }

    private static long valueBytes(AttributeValue value) {
        if (value.s() != null) {
            return utf8Bytes(value.s());
        }
        if (value.n() != null) {
            return 21;
        }
        if (value.b() != null) {
            return value.b().asByteArrayUnsafe().length;
        }
        if (value.hasM()) {
            return 3 + value.m().size() + itemBytes(value.m());
        }
        return 1;
    }

    /** The item as stored once its key, values and value types are in the object at {@code location}. */
    static Map<String, AttributeValue> spilledItem(Map<String, AttributeValue> item, String location) {
        Map<String, AttributeValue> spilled = new HashMap<>(item);
        spilled.remove(KEY);
        spilled.remove(VALUES);
        spilled.remove(VALUE_TYPES);
        spilled.put(SPILLED, AttributeValue.fromS(location));
        return spilled;
    }

    /**
     * The attributes a spilled item moves to S3, as JSON: {@code {"key": S, "value_types": {name: label},
     * "values": {name: ["N"|"S"|"B", text]}}} (B as base64), the item's own encoding, so reading it back decodes as
     * an item would.
     */
    static byte[] spillBody(Map<String, AttributeValue> item) {
        ObjectNode body = JSON.createObjectNode().put(KEY, item.get(KEY).s());
        ObjectNode types = body.putObject(VALUE_TYPES);
        item.get(VALUE_TYPES).m().forEach((name, label) -> types.put(name, label.s()));
        ObjectNode values = body.putObject(VALUES);
        item.get(VALUES).m().forEach((name, value) -> {
            var pair = values.putArray(name);
            if (value.n() != null) {
                pair.add("N").add(value.n());
            } else if (value.s() != null) {
                pair.add("S").add(value.s());
            } else {
                pair.add("B").add(Base64.getEncoder().encodeToString(value.b().asByteArrayUnsafe()));
            }
        });
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }

    /** A spilled item with the attributes its object held put back. */
    private static Map<String, AttributeValue> unspilled(Map<String, AttributeValue> item, byte[] spillBody) {
        JsonNode body;
        try {
            body = JSON.readTree(spillBody);
        } catch (IOException e) {
            throw new IllegalStateException("results item " + item.get(SORT_KEY).s() + " spilled to "
                    + item.get(SPILLED).s() + ", which is not JSON: " + e.getMessage(), e);
        }
        Map<String, AttributeValue> types = new LinkedHashMap<>();
        body.path(VALUE_TYPES).fields().forEachRemaining(e -> types.put(e.getKey(),
                AttributeValue.fromS(e.getValue().asText())));
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        body.path(VALUES).fields().forEachRemaining(e -> {
            String text = e.getValue().path(1).asText();
            values.put(e.getKey(), switch (e.getValue().path(0).asText()) {
                case "N" -> AttributeValue.fromN(text);
                case "S" -> AttributeValue.fromS(text);
                default -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(text)));
            });
        });
        Map<String, AttributeValue> whole = new HashMap<>(item);
        whole.put(KEY, AttributeValue.fromS(body.path(KEY).asText()));
        whole.put(VALUES, AttributeValue.fromM(values));
        whole.put(VALUE_TYPES, AttributeValue.fromM(types));
        return whole;
    }

    /** Sort-key bound: every window starting at or after {@code t} sorts at or above it, every earlier one below. */
    static String sortKeyBound(Instant t) {
        return timestamp(t);
    }

    static String timestamp(Instant t) {
        // The engine accepts event times in years 0001..9999, where this pattern is fixed-width and so sorts as time.
        if (t.toEpochMilli() < MetricSpec.MIN_EVENT_TIME || t.toEpochMilli() > MetricSpec.MAX_EVENT_TIME) {
            throw new IllegalArgumentException("window times must lie in the years 0001 to 9999, got " + t);
        }
        return FIXED_WIDTH.format(t);
    }

    /** The group key as compact JSON with fields sorted by name. */
    static String canonicalKey(Map<String, String> key) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(key));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a string map", e);
        }
    }

    static Map<String, AttributeValue> toItem(WindowResult result, Instant now, Duration retention,
                                              String fingerprint) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        Map<String, AttributeValue> types = new LinkedHashMap<>();
        result.values().forEach((name, value) -> {
            ValueType type = ValueType.of(name, value);
            values.put(name, type.encode(value));
            types.put(name, AttributeValue.fromS(type.label));
        });
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(METRIC, AttributeValue.fromS(result.metric()));
        item.put(SORT_KEY, AttributeValue.fromS(sortKey(result)));
        item.put(WINDOW_START, AttributeValue.fromS(result.windowStart().toString()));
        item.put(WINDOW_END, AttributeValue.fromS(result.windowEnd().toString()));
        item.put(KEY, AttributeValue.fromS(canonicalKey(result.key())));
        item.put(SHARD_ID, AttributeValue.fromS(result.shardId()));
        item.put(VALUES, AttributeValue.fromM(values));
        item.put(VALUE_TYPES, AttributeValue.fromM(types));
        item.put(UPDATED_AT, AttributeValue.fromS(now.toString()));
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAt(result, retention))));
        if (fingerprint != null) {
            item.put(FINGERPRINT, AttributeValue.fromS(fingerprint));
        }
        return item;
    }

    /** The item of {@code shardId}'s fired-through mark for {@code metric}. */
    static Map<String, AttributeValue> markItem(String metric, String shardId, long firedThrough, Instant now) {
        return Map.of(METRIC, AttributeValue.fromS(metric),
                SORT_KEY, AttributeValue.fromS(MARK_PREFIX + shardId),
                SHARD_ID, AttributeValue.fromS(shardId),
                FIRED_THROUGH, AttributeValue.fromN(Long.toString(firedThrough)),
                UPDATED_AT, AttributeValue.fromS(now.toString()));
    }

    /** The item of a {@link CarriedMark}: {@link #markItem} plus the times it was computed from. */
    static Map<String, AttributeValue> markItem(String metric, String shardId, CarriedMark mark, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(markItem(metric, shardId, mark.firedThrough(), now));
        item.put(MAX_TIME, AttributeValue.fromN(Long.toString(mark.maxTime())));
        item.put(RUN_FIRST, AttributeValue.fromS(mark.runFirst()));
        if (mark.runStartMaxTime() != null) {
            item.put(RUN_START_MAX_TIME, AttributeValue.fromN(Long.toString(mark.runStartMaxTime())));
        }
        return item;
    }

    /** The key of {@code shardId}'s mark item for {@code metric}. */
    static Map<String, AttributeValue> markKey(String metric, String shardId) {
        return Map.of(METRIC, AttributeValue.fromS(metric), SORT_KEY, AttributeValue.fromS(MARK_PREFIX + shardId));
    }

    /** The strongly consistent query of every shard's mark item for {@code metric}. */
    static QueryRequest marksQuery(String table, String metric) {
        return QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("#m = :m AND begins_with(#sk, :p)")
                .expressionAttributeNames(Map.of("#m", METRIC, "#sk", SORT_KEY))
                .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(metric),
                        ":p", AttributeValue.fromS(MARK_PREFIX)))
                .build();
    }

    /** Per shard, the fired-through time of mark items ({@link #marksQuery}'s). */
    static Map<String, Long> marks(Iterable<Map<String, AttributeValue>> markItems) {
        Map<String, Long> marks = new HashMap<>();
        markItems.forEach(item -> marks.put(item.get(SHARD_ID).s(), Long.parseLong(item.get(FIRED_THROUGH).n())));
        return marks;
    }

    /** The {@link CarriedMark} a mark item holds, null if it holds only the mark (the KCL consumer's). */
    static CarriedMark carriedMark(Map<String, AttributeValue> item) {
        if (!item.containsKey(MAX_TIME)) {
            return null;
        }
        AttributeValue start = item.get(RUN_START_MAX_TIME);
        return new CarriedMark(Long.parseLong(item.get(FIRED_THROUGH).n()), Long.parseLong(item.get(MAX_TIME).n()),
                item.get(RUN_FIRST).s(), start == null ? null : Long.parseLong(start.n()));
    }

    /** Epoch seconds of the window's end plus {@code retention}. */
    static long expiresAt(WindowResult result, Duration retention) {
        return result.windowEnd().plus(retention).getEpochSecond();
    }

    /**
     * @param spilled reads the object a {@code spilled} location names (only called for spilled items)
     */
    static WindowResult fromItem(Map<String, AttributeValue> item, Function<String, byte[]> spilled) {
        if (item.containsKey(SPILLED)) {
            item = unspilled(item, spilled.apply(item.get(SPILLED).s()));
        }
        Map<String, String> key;
        try {
            key = JSON.readValue(item.get(KEY).s(), KEY_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("results item " + item.get(SORT_KEY).s() + " has a malformed key", e);
        }
        Map<String, AttributeValue> types = item.get(VALUE_TYPES).m();
        Map<String, Object> values = new LinkedHashMap<>();
        item.get(VALUES).m().forEach((name, value) ->
                values.put(name, ValueType.ofLabel(types.get(name).s()).decode(value)));
        return new WindowResult(item.get(METRIC).s(), Instant.parse(item.get(WINDOW_START).s()),
                Instant.parse(item.get(WINDOW_END).s()), key, item.get(SHARD_ID).s(), values);
    }

    private enum ValueType {
        LONG("long"), DOUBLE("double"), STRING("string"), BYTES("bytes");

        final String label;

        ValueType(String label) {
            this.label = label;
        }

        static ValueType of(String name, Object value) {
            if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return LONG;
            }
            if (value instanceof Double || value instanceof Float) {
                return DOUBLE;
            }
            if (value instanceof String) {
                return STRING;
            }
            if (value instanceof byte[]) {
                return BYTES;
            }
            throw new IllegalArgumentException("aggregate '" + name + "' has a value of unsupported type "
                    + (value == null ? "null" : value.getClass().getName()));
        }

        static ValueType ofLabel(String label) {
            for (ValueType type : values()) {
                if (type.label.equals(label)) {
                    return type;
                }
            }
            throw new IllegalStateException("unknown value type '" + label + "' in results item");
        }

        AttributeValue encode(Object value) {
            return switch (this) {
                case LONG -> AttributeValue.fromN(Long.toString(((Number) value).longValue()));
                // N cannot hold NaN or infinities: those are stored as their Java names in S.
                case DOUBLE -> Double.isFinite(((Number) value).doubleValue())
                        ? AttributeValue.fromN(BigDecimal.valueOf(((Number) value).doubleValue()).toString())
                        : AttributeValue.fromS(Double.toString(((Number) value).doubleValue()));
                case STRING -> AttributeValue.fromS((String) value);
                case BYTES -> AttributeValue.fromB(SdkBytes.fromByteArray((byte[]) value));
            };
        }

        Object decode(AttributeValue value) {
            return switch (this) {
                case LONG -> Long.parseLong(value.n());
                case DOUBLE -> Double.parseDouble(value.n() != null ? value.n() : value.s());
                case STRING -> value.s();
                case BYTES -> value.b().asByteArray();
            };
        }
    }
}
