package io.rtpipe.lambda.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtpipe.core.record.RecordPosition;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * {@link WindowState} as the {@code state} map Lambda carries between invocations: one entry, {@value #KEY}, holding
 * gzip-compressed JSON in base64 (group keys and metric names repeat, so it compresses several-fold), checked against
 * a size limit so a window with too many keys fails with a message saying so instead of Lambda cutting the window
 * short.
 *
 * <p>JSON: {@code {"first":"<seq>[/<sub>]","last":…,"start":{"<metric>":<millis>},"max":{"<metric>":<millis>},
 * "partials":[["<metric>",<startMillis>,<endMillis>,{"<field>":"<value>"},{"<aggregate>":["l"|"d"|"s"|"b",<value>]}]]}}
 * (values typed: long, double, string, base64 bytes).
 */
public final class StateCodec {

    public static final String KEY = "rtpipe.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxBytes;

    /** @param maxBytes the largest encoded state (key plus value, UTF-8 bytes) */
    public StateCodec(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** @throws StateTooLargeException when the encoded state exceeds the limit */
    public Map<String, String> encode(WindowState state, String shardId) {
        if (state.isEmpty()) {
            return Map.of();
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("first", state.firstPosition().toString());
        root.put("last", state.lastPosition().toString());
        ObjectNode start = root.putObject("start");
        state.startTimes().forEach(start::put);
        ObjectNode max = root.putObject("max");
        state.maxTimes().forEach(max::put);
        ArrayNode partials = root.putArray("partials");
        state.partials().forEach((key, values) -> {
            ArrayNode row = partials.addArray();
            row.add(key.metric()).add(key.windowStart().toEpochMilli()).add(key.windowEnd().toEpochMilli());
            ObjectNode group = row.addObject();
            key.key().forEach(group::put);
            ObjectNode typed = row.addObject();
            values.forEach((name, value) -> typed.set(name, typedValue(name, value)));
        });
        String encoded = Base64.getEncoder().encodeToString(gzip(root));
        int size = KEY.length() + encoded.length(); // both ASCII
        if (size > maxBytes) {
            throw new StateTooLargeException(shardId, size, maxBytes, state);
        }
        return Map.of(KEY, encoded);
    }

    /**
     * @param state Lambda's {@code state}: null or empty at the start of a window
     * @throws IllegalArgumentException if it is not a state this codec wrote
     */
    public WindowState decode(Map<String, String> state) {
        if (state == null || state.isEmpty()) {
            return WindowState.empty();
        }
        String encoded = state.get(KEY);
        if (encoded == null) {
            throw new IllegalArgumentException("the window state has no '" + KEY + "' entry (keys " + state.keySet()
                    + "): it was not written by this version of the analytics handler");
        }
        try {
            JsonNode root = JSON.readTree(gunzip(Base64.getDecoder().decode(encoded)));
            Map<String, Long> max = times(root.get("max"));
            // A state written before start times were carried has none: its window started from no marks.
            Map<String, Long> start = root.has("start") ? times(root.get("start")) : Map.of();
            Map<WindowState.PartialKey, Map<String, Object>> partials = new LinkedHashMap<>();
            for (JsonNode row : root.get("partials")) {
                Map<String, String> group = new LinkedHashMap<>();
                row.get(3).fields().forEachRemaining(e -> group.put(e.getKey(), e.getValue().textValue()));
                Map<String, Object> values = new LinkedHashMap<>();
                row.get(4).fields().forEachRemaining(e -> values.put(e.getKey(), untypedValue(e.getValue())));
                partials.put(new WindowState.PartialKey(row.get(0).textValue(),
                        Instant.ofEpochMilli(row.get(1).longValue()), Instant.ofEpochMilli(row.get(2).longValue()),
                        group), values);
            }
            return new WindowState(position(root.get("first").textValue()), position(root.get("last").textValue()),
                    start, max, partials);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the window state is unreadable (" + e.getMessage() + ")", e);
        }
    }

    private static Map<String, Long> times(JsonNode object) {
        Map<String, Long> times = new TreeMap<>();
        object.fields().forEachRemaining(e -> times.put(e.getKey(), e.getValue().longValue()));
        return times;
    }

    private static JsonNode typedValue(String name, Object value) {
        ArrayNode typed = JSON.createArrayNode();
        if (value instanceof Long || value instanceof Integer) {
            return typed.add("l").add(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            return typed.add("d").add(((Number) value).doubleValue());
        }
        if (value instanceof String s) {
            return typed.add("s").add(s);
        }
        if (value instanceof byte[] bytes) {
            return typed.add("b").add(Base64.getEncoder().encodeToString(bytes));
        }
        throw new IllegalArgumentException("aggregate '" + name + "' has a value of unsupported type "
                + (value == null ? "null" : value.getClass().getName()));
    }

    private static Object untypedValue(JsonNode typed) {
        JsonNode value = typed.get(1);
        return switch (typed.get(0).textValue()) {
            case "l" -> value.longValue();
            case "d" -> value.doubleValue();
            case "s" -> value.textValue();
            case "b" -> Base64.getDecoder().decode(value.textValue());
            default -> throw new IllegalArgumentException("unknown value type " + typed.get(0));
        };
    }

    private static RecordPosition position(String text) {
        int slash = text.indexOf('/');
        return slash < 0 ? RecordPosition.of(text)
                : new RecordPosition(text.substring(0, slash), Long.parseLong(text.substring(slash + 1)));
    }

    private static byte[] gzip(JsonNode json) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            JSON.writeValue(out, json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the window state", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
