package io.rtpipe.connectors.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.contract.Tables;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Layout of the window-results table: one item per (metric, window start, group key, shard) partial.
 *
 * <ul>
 *   <li>partition key {@code metric} (S)</li>
 *   <li>sort key {@code sk} (S) = {@code <window_start>#<canonical key JSON>#<shardId>}, where window_start is a
 *       fixed-width UTC timestamp ({@code 2024-05-01T12:00:00.000Z}) so sort-key order is time order and
 *       "windows starting in [from, to)" is one {@code BETWEEN} range; the canonical key JSON has its fields sorted
 *       by name, so the same group key always gives the same item</li>
 *   <li>{@code window_start}, {@code window_end} (S, ISO-8601), {@code key} (S, canonical JSON),
 *       {@code shard_id} (S), {@code values} (M: numbers as N, strings as S, byte[] as B),
 *       {@code value_types} (M of S: long, double, string, bytes; DynamoDB normalizes numbers, so 2.0 would
 *       otherwise read back as a long), {@code updated_at} (S, wall clock of the last write, informational),
 *       {@code expiresAt} (N, epoch seconds: window end + the result retention; the table's TTL attribute, so
 *       DynamoDB deletes a result some time after it; derived from the window, so a replay writes the same),
 *       {@code fingerprint} (S, the metric's {@code MetricSpec.fingerprint()} when written: a reader running another
 *       definition of the metric must not merge it)</li>
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
        return timestamp(result.windowStart()) + "#" + canonicalKey(result.key()) + "#" + result.shardId();
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

    /** Epoch seconds of the window's end plus {@code retention}. */
    static long expiresAt(WindowResult result, Duration retention) {
        return result.windowEnd().plus(retention).getEpochSecond();
    }

    static WindowResult fromItem(Map<String, AttributeValue> item) {
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
