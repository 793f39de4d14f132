package io.rtpipe.testkit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Which records the built-in {@code events_per_minute} metric counts, by the rules docs/ENGINE.md documents, written
 * with plain Jackson rather than the engine's decoder so that audits (the {@code rtpipe local} audit, the chaos
 * suite's verifier) check the engine against an independent reading.
 *
 * <p>A record is a valid event when its bytes are UTF-8, it is one JSON object (nothing after it, nested at most
 * 1,000 levels), {@code ts} is a JSON integer of epoch millis in years 0001 to 9999, at most 1 h ahead of the record's
 * arrival and not epoch seconds written as millis (seconds within a year of arrival while the millis reading is not),
 * and {@code type} is a string. Every other record must be dead-lettered.
 */
public final class BuiltinEventRules {

    /**
     * A valid event; {@code id} is its {@code event_id}: a {@code String} for a JSON string, a {@code Long} for a JSON
     * integer (so {@code 7} and {@code "7"} are different ids, as docs/metrics.md says), or null when it has none or
     * it is neither (then the event has no copies).
     */
    public record ValidEvent(long ts, String type, Object id) {}

    private static final long MIN_TS = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX_TS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    private static final long MAX_AHEAD = 3_600_000L;
    private static final long YEAR_AND_A_DAY = 366L * 24 * 3_600_000L;
    private static final int MAX_DEPTH = 1_000;
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH).maxStringLength(Integer.MAX_VALUE).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private BuiltinEventRules() {
    }

    /** The valid event in {@code data}, which Kinesis received at {@code arrivalMillis}, or null if it is not one. */
    public static ValidEvent parse(byte[] data, long arrivalMillis) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data));
        } catch (CharacterCodingException e) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(data);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode ts = node.get("ts");
        JsonNode type = node.get("type");
        if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong() || type == null || !type.isTextual()) {
            return null;
        }
        long millis = ts.longValue();
        if (millis < MIN_TS || millis > MAX_TS || millis > arrivalMillis + MAX_AHEAD) {
            return null;
        }
        boolean secondsAsMillis = Math.abs(millis) < Long.MAX_VALUE / 1000
                && Math.abs(arrivalMillis - millis) > YEAR_AND_A_DAY
                && Math.abs(arrivalMillis - millis * 1000) <= YEAR_AND_A_DAY;
        if (secondsAsMillis) {
            return null;
        }
        return new ValidEvent(millis, type.textValue(), eventId(node.get("event_id")));
    }

    private static Object eventId(JsonNode id) {
        if (id == null) {
            return null;
        }
        if (id.isTextual()) {
            return id.textValue();
        }
        return id.isIntegralNumber() && id.canConvertToLong() ? id.longValue() : null;
    }
}
