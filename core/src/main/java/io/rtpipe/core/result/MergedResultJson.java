package io.rtpipe.core.result;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The JSON-lines form of merged results (used by {@code rtpipe local --export} and the query command), one object
 * per line:
 * <pre>{"metric":"events_per_minute","window_start":"2026-11-26T05:00:00Z","window_end":"2026-11-26T05:01:00Z",
 * "final":true,"key":{"type":"click"},"values":{"count":123}}</pre>
 * {@code final}: every shard that can hold the window's events has fired it (false: a partial result that may still
 * grow; the reader decides, from the shards' fired-through marks).
 * Times are ISO-8601 UTC instants; integral values are JSON integers, doubles numbers in their shortest exact form
 * without exponent ({@link NumberText}), others strings.
 */
public final class MergedResultJson {
    /** Doubles in their shortest exact form without an exponent ({@link NumberText}), never 1.0E7. */
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new SimpleModule()
            .addSerializer(Double.class, new StdSerializer<>(Double.class) {
                @Override
                public void serialize(Double value, JsonGenerator gen, SerializerProvider provider)
                        throws IOException {
                    if (Double.isFinite(value)) {
                        gen.writeNumber(NumberText.plain(value));
                    } else {
                        gen.writeNumber(value);
                    }
                }
            }));

    private MergedResultJson() {
    }

    /** One result as a single line of JSON (no line terminator). */
    public static String toJsonLine(MergedResult result, boolean isFinal) {
        return toJsonLine(null, result, isFinal);
    }

    /**
     * One result as a single line of JSON led by {@code "id":id} (the output record's id, for consumers dropping
     * replays; none when null), then the fields of {@link #toJsonLine(MergedResult, boolean)}.
     */
    public static String toJsonLine(String id, MergedResult result, boolean isFinal) {
        Map<String, Object> line = new LinkedHashMap<>();
        if (id != null) {
            line.put("id", id);
        }
        line.put("metric", result.metric());
        line.put("window_start", result.windowStart().toString());
        line.put("window_end", result.windowEnd().toString());
        line.put("final", isFinal);
        line.put("key", result.key());
        line.put("values", result.values());
        try {
            return MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("result values cannot be written as JSON: " + result.values(), e);
        }
    }

    /** Writes each result as one line terminated by '\n', final as {@code isFinal} says. */
    public static void writeLines(Iterable<MergedResult> results, Predicate<MergedResult> isFinal, Writer out) {
        try {
            for (MergedResult result : results) {
                out.write(toJsonLine(result, isFinal.test(result)));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads one line written by {@link #toJsonLine} (its {@code final} is the writer's verdict, not kept); integral values come back as Long, other numbers as Double.
     *
     * @throws IllegalArgumentException with one sentence if the line is not such an object
     */
    public static MergedResult fromJsonLine(String line) {
        try {
            JsonNode node = MAPPER.readTree(line);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("a result line must be a JSON object, got: " + line);
            }
            Map<String, String> key = new LinkedHashMap<>();
            node.path("key").properties().forEach(e -> key.put(e.getKey(), e.getValue().asText()));
            Map<String, Object> values = new LinkedHashMap<>();
            node.path("values").properties().forEach(e -> values.put(e.getKey(), valueOf(e.getValue())));
            return new MergedResult(required(node, "metric"), Instant.parse(required(node, "window_start")),
                    Instant.parse(required(node, "window_end")), key, values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a result line is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a result line has a window time that is not an ISO-8601 instant: "
                    + e.getParsedString(), e);
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("a result line lacks the text field '" + field + "'");
        }
        return value.asText();
    }

    private static Object valueOf(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return value.asText();
    }
}
