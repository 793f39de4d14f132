package io.rtpipe.connectors.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class IntervalLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static InputRecord record(String seq, long sub, byte[] data) {
        return new InputRecord(new RecordPosition(seq, sub), "pk-" + seq, 1_714_567_890_123L, data);
    }

    static List<JsonNode> gunzipLines(byte[] gz) throws IOException {
        String text;
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(text).endsWith("\n");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void rawLinesCarryTheEnvelopeAndUtf8Payload() throws IOException {
        String payload = "{\"type\":\"click\",\"note\":\"h\u00e9llo\\nworld \u2603\"}";
        List<JsonNode> lines = gunzipLines(IntervalLines.raw(List.of(
                record("100", 0, payload.getBytes(StandardCharsets.UTF_8)),
                record("101", 3, "plain".getBytes(StandardCharsets.UTF_8)))));

        assertThat(lines).hasSize(2);
        JsonNode first = lines.get(0);
        assertThat(first.get("sequence_number").asText()).isEqualTo("100");
        assertThat(first.get("sub_sequence_number").asLong()).isZero();
        assertThat(first.get("partition_key").asText()).isEqualTo("pk-100");
        assertThat(first.get("approximate_arrival").asText()).isEqualTo("2024-05-01T12:51:30.123Z");
        assertThat(first.get("data").asText()).isEqualTo(payload);
        assertThat(first.has("data_base64")).isFalse();
        assertThat(lines.get(1).get("sub_sequence_number").asLong()).isEqualTo(3);
    }

    @Test
    void invalidUtf8PayloadIsKeptAsBase64() throws IOException {
        byte[] binary = {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF};
        JsonNode line = gunzipLines(IntervalLines.raw(List.of(record("7", 0, binary)))).get(0);

        assertThat(line.has("data")).isFalse();
        assertThat(Base64.getDecoder().decode(line.get("data_base64").asText())).isEqualTo(binary);
    }

    @Test
    void deadLetterAndLateLinesAddTheirContext() throws IOException {
        InputRecord r = record("5", 0, "{".getBytes(StandardCharsets.UTF_8));
        JsonNode dead = gunzipLines(IntervalLines.deadLetters(List.of(new DeadLetter(r, "not valid JSON")))).get(0);
        JsonNode late = gunzipLines(IntervalLines.lateRecords(List.of(
                new LateRecord(r, "events_per_minute", Instant.parse("2024-05-01T12:00:00Z"),
                        Instant.parse("2024-05-01T12:59:00Z"))))).get(0);

        assertThat(dead.get("reason").asText()).isEqualTo("not valid JSON");
        assertThat(dead.get("data").asText()).isEqualTo("{");
        assertThat(late.get("metric").asText()).isEqualTo("events_per_minute");
        assertThat(late.get("window_start").asText()).isEqualTo("2024-05-01T12:00:00Z");
        assertThat(late.get("last_window_start").asText()).isEqualTo("2024-05-01T12:59:00Z");
        assertThat(late.get("sequence_number").asText()).isEqualTo("5");
    }

    @Test
    void encodingIsDeterministicSoReplaysRewriteIdenticalObjects() {
        List<InputRecord> records = List.of(record("1", 0, "a".getBytes(StandardCharsets.UTF_8)));
        assertThat(IntervalLines.raw(records)).isEqualTo(IntervalLines.raw(records));
    }
}
