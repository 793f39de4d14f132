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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class IntervalLinesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "raw/s/dt=2024-05-01/hr=12/shardId-000000000001/100.jsonl.gz";

    private static InputRecord record(String seq, long sub, byte[] data) {
        return new InputRecord(new RecordPosition(seq, sub), "pk-" + seq, 1_714_567_890_123L, data);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
    void aJsonObjectIsArchivedAsAnObjectBesideTheMetadataColumns() throws IOException {
        String payload = "{\"type\":\"click\", \"n\":1.50, \"note\":\"h\u00e9llo\\nworld \u2603\"}";
        List<JsonNode> lines = gunzipLines(IntervalLines.raw("shardId-000000000001", List.of(
                record("100", 0, utf8(payload)),
                record("101", 3, utf8("plain")))));

        assertThat(lines).hasSize(2);
        JsonNode first = lines.get(0);
        assertThat(first.get("shard").asText()).isEqualTo("shardId-000000000001");
        assertThat(first.get("sequence").asText()).isEqualTo("100");
        assertThat(first.get("sub_sequence").isIntegralNumber()).isTrue();
        assertThat(first.get("partition_key").asText()).isEqualTo("pk-100");
        assertThat(first.get("arrival").asText()).isEqualTo("2024-05-01T12:51:30.123Z");
        assertThat(first.get("encoding").asText()).isEqualTo("json");
        assertThat(first.get("event")).isEqualTo(JSON.readTree(payload));
        assertThat(first.has("data")).isFalse();
        assertThat(lines.get(1).get("sub_sequence").asLong()).isEqualTo(3);
        assertThat(lines.get(1).get("encoding").asText()).isEqualTo("base64");
        assertThat(lines.get(1).get("data").asText()).isEqualTo(Base64.getEncoder().encodeToString(utf8("plain")));
    }

    @Test
    void everyPayloadReadsBackAsItsExactBytes() throws IOException {
        List<byte[]> payloads = List.of(
                utf8("{\"a\": 1,  \"b\" : [1, 2.0e3]}"),          // object with spaces: kept verbatim
                utf8("{\"a\":1}\n{\"b\":2}"),                    // two lines: base64
                utf8("{\"a\":1} trailing"),                      // object and more: base64
                utf8("[1,2]"), utf8("42"), utf8(""), utf8("{"),
                new byte[]{(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF});
        List<InputRecord> records = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            records.add(record(String.valueOf(i), 0, payloads.get(i)));
        }
        List<IntervalLines.Line> read = IntervalLines.read(KEY, IntervalLines.raw("shardId-000000000001", records));

        assertThat(read).hasSize(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(read.get(i).data()).as("payload %d", i).isEqualTo(payloads.get(i));
            assertThat(read.get(i).sequenceNumber()).isEqualTo(String.valueOf(i));
        }
        assertThat(gunzipLines(IntervalLines.raw("s", records)).stream().map(l -> l.get("encoding").asText()))
                .containsExactly("json", "base64", "base64", "base64", "base64", "base64", "base64", "base64");
    }

    @Test
    void deadLetterAndLateLinesAddTheirContext() throws IOException {
        InputRecord r = record("5", 2, utf8("{"));
        List<IntervalLines.Line> dead = IntervalLines.read(KEY,
                IntervalLines.deadLetters("shardId-7", List.of(new DeadLetter(r, "not valid JSON"))));
        List<IntervalLines.Line> late = IntervalLines.read(KEY, IntervalLines.lateRecords("shardId-7", List.of(
                new LateRecord(r, "events_per_minute", Instant.parse("2024-05-01T12:00:00Z"),
                        Instant.parse("2024-05-01T12:59:00Z")))));

        assertThat(dead).singleElement().satisfies(line -> {
            assertThat(line.reason()).isEqualTo("not valid JSON");
            assertThat(line.data()).isEqualTo(utf8("{"));
            assertThat(line.shardId()).isEqualTo("shardId-7");
            assertThat(line.subSequenceNumber()).isEqualTo(2);
            assertThat(line.partitionKey()).isEqualTo("pk-5");
            assertThat(line.arrival()).isEqualTo(Instant.ofEpochMilli(1_714_567_890_123L));
        });
        assertThat(late).singleElement().satisfies(line -> {
            assertThat(line.metric()).isEqualTo("events_per_minute");
            assertThat(line.windowStart()).isEqualTo("2024-05-01T12:00:00Z");
            assertThat(line.lastWindowStart()).isEqualTo("2024-05-01T12:59:00Z");
            assertThat(line.sequenceNumber()).isEqualTo("5");
            assertThat(line.reason()).isNull();
        });
    }

    /** Objects the layout before the columns wrote (committed samples, made by that code) still read back. */
    @Test
    void readsTheOldLayout() throws IOException {
        String shard = "shardId-000000000003";
        List<IntervalLines.Line> raw = IntervalLines.read("raw/s/dt=2025-12-03/hr=12/" + shard + "/1.jsonl.gz",
                sample("raw"));
        assertThat(raw).extracting(IntervalLines.Line::shardId).containsOnly(shard);
        assertThat(raw).extracting(IntervalLines.Line::sequenceNumber).containsExactly(
                "49650000000000000000000000001", "49650000000000000000000000002", "49650000000000000000000000003");
        assertThat(raw).extracting(IntervalLines.Line::subSequenceNumber).containsExactly(0L, 3L, 0L);
        assertThat(raw.get(0).data()).isEqualTo(utf8("{\"event_id\":\"e-1\",\"type\":\"click\",\"ts\":1764763200000}"));
        assertThat(raw.get(1).data()).isEqualTo(utf8("type=view,not json"));
        assertThat(raw.get(2).data()).isEqualTo(new byte[]{(byte) 0xff, 0, 10, (byte) 0xc3});
        assertThat(raw.get(0).arrival()).isEqualTo(Instant.parse("2025-12-03T12:00:00.123Z"));
        assertThat(raw.get(1).partitionKey()).isEqualTo("e-2");

        List<IntervalLines.Line> dead = IntervalLines.read("deadletter/s/dt=2025-12-03/hr=12/" + shard + "/2.jsonl.gz",
                sample("deadletter"));
        assertThat(dead).extracting(IntervalLines.Line::reason).containsExactly("not valid JSON", "not UTF-8");
        List<IntervalLines.Line> late = IntervalLines.read("late/s/dt=2025-12-03/hr=12/" + shard + "/1.jsonl.gz",
                sample("late"));
        assertThat(late).singleElement().satisfies(line -> {
            assertThat(line.metric()).isEqualTo("events_per_minute");
            assertThat(line.windowStart()).isEqualTo("2025-12-03T11:59:00Z");
            assertThat(line.lastWindowStart()).isEqualTo("2025-12-03T11:59:00Z");
        });
    }

    private static byte[] sample(String prefix) throws IOException {
        try (InputStream in = IntervalLinesTest.class.getResourceAsStream("/old-layout/" + prefix + ".jsonl.gz")) {
            return in.readAllBytes();
        }
    }

    @Test
    void encodingIsDeterministicSoReplaysRewriteIdenticalObjects() {
        List<InputRecord> records = List.of(record("1", 0, utf8("{\"a\":1}")), record("2", 0, utf8("a")));
        assertThat(IntervalLines.raw("s", records)).isEqualTo(IntervalLines.raw("s", records));
    }
}
