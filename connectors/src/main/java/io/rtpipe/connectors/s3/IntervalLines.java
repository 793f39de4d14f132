package io.rtpipe.connectors.s3;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.contract.ArchiveColumns;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.record.InputRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The archive's object format, written and read here only: gzip-compressed JSON lines, one record per line, with
 * the columns {@link ArchiveColumns} declares per prefix (what the Glue tables declare too).
 *
 * <p>A line is {@code {"shard","sequence","sub_sequence","partition_key","arrival","encoding", "event"|"data"}}
 * plus {@code reason} for a dead letter and {@code metric}, {@code window_start} for a late record. When the payload
 * is one JSON object on one line (valid UTF-8, nothing after it), its bytes are written verbatim as {@code event}
 * ({@code "encoding":"json"}), so Athena reads it as an object and the reader gives back the exact bytes; any other
 * payload goes base64 under {@code data} ({@code "encoding":"base64"}). The output is byte-for-byte deterministic
 * (gzip header time is 0), so a replay rewrites identical objects.
 *
 * <p>{@link #read} also reads the layout written before this one (the payload as a string under {@code data} or
 * {@code data_base64}, beside {@code sequence_number}, {@code sub_sequence_number}, {@code approximate_arrival}),
 * telling them apart by each line's keys, so archives written before the change stay auditable.
 */
public final class IntervalLines {

    /** One record read back from an interval object, whichever layout wrote it. */
    public record Line(String shardId, String key, String sequenceNumber, long subSequenceNumber,
                       String partitionKey, Instant arrival, byte[] data, String reason, String metric,
                       String windowStart, String lastWindowStart) {

        /** The payload as text when it is UTF-8, else {@code base64:} and its base64 (for display). */
        public String displayData() {
            return utf8(data).orElseGet(() -> "base64:" + Base64.getEncoder().encodeToString(data));
        }
    }

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper(FACTORY)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private IntervalLines() {
    }

    public static byte[] raw(String shardId, List<InputRecord> records) {
        return gzipLines(records, (g, r) -> writeRecord(g, shardId, r));
    }

    public static byte[] deadLetters(String shardId, List<DeadLetter> deadLetters) {
        return gzipLines(deadLetters, (g, d) -> {
            writeRecord(g, shardId, d.record());
            g.writeStringField(ArchiveColumns.REASON.name(), d.reason());
        });
    }

    public static byte[] lateRecords(String shardId, List<LateRecord> lateRecords) {
        return gzipLines(lateRecords, (g, l) -> {
            writeRecord(g, shardId, l.record());
            g.writeStringField(ArchiveColumns.METRIC.name(), l.metric());
            g.writeStringField(ArchiveColumns.WINDOW_START.name(), l.windowStart().toString());
            g.writeStringField(ArchiveColumns.LAST_WINDOW_START.name(), l.lastWindowStart().toString());
        });
    }

    /** Every line of one gzip-compressed interval object; {@code key} names the shard for lines of the old layout. */
    public static List<Line> read(String key, byte[] gzipped) throws IOException {
        String text;
        try (var in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] parts = key.split("/");
        String keyShard = parts.length >= 2 ? parts[parts.length - 2] : "";
        List<Line> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(readLine(key, keyShard, line));
            }
        }
        return lines;
    }

    private static void writeRecord(JsonGenerator g, String shardId, InputRecord record) throws IOException {
        g.writeStringField(ArchiveColumns.SHARD.name(), shardId);
        g.writeStringField(ArchiveColumns.SEQUENCE.name(), record.position().sequenceNumber());
        g.writeNumberField(ArchiveColumns.SUB_SEQUENCE.name(), record.position().subSequenceNumber());
        g.writeStringField(ArchiveColumns.PARTITION_KEY.name(), record.partitionKey());
        g.writeStringField(ArchiveColumns.ARRIVAL.name(), Instant.ofEpochMilli(record.arrivalMillis()).toString());
        Optional<String> object = oneLineJsonObject(record.data());
        if (object.isPresent()) {
            g.writeStringField(ArchiveColumns.ENCODING.name(), ArchiveColumns.ENCODING_JSON);
            g.writeFieldName(ArchiveColumns.EVENT.name());
            g.writeRawValue(object.get());
        } else {
            g.writeStringField(ArchiveColumns.ENCODING.name(), ArchiveColumns.ENCODING_BASE64);
            g.writeStringField(ArchiveColumns.DATA.name(), Base64.getEncoder().encodeToString(record.data()));
        }
    }

    /** The payload as text if it is exactly one JSON object with no line break (which would split the line). */
    private static Optional<String> oneLineJsonObject(byte[] data) {
        Optional<String> text = utf8(data);
        if (text.isEmpty() || text.get().indexOf('\n') >= 0 || text.get().indexOf('\r') >= 0) {
            return Optional.empty();
        }
        try (JsonParser parser = FACTORY.createParser(text.get())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            parser.skipChildren();
            return parser.nextToken() == null ? text : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Line readLine(String key, String keyShard, String line) throws IOException {
        JsonNode json = JSON.readTree(line);
        if (json.has("sequence_number")) {
            return readOldLine(key, keyShard, json);
        }
        String encoding = json.path(ArchiveColumns.ENCODING.name()).asText();
        byte[] data = switch (encoding) {
            case ArchiveColumns.ENCODING_JSON -> rawEvent(line).getBytes(StandardCharsets.UTF_8);
            case ArchiveColumns.ENCODING_BASE64 ->
                    Base64.getDecoder().decode(json.path(ArchiveColumns.DATA.name()).asText());
            default -> throw new IOException("a line of " + key + " has encoding '" + encoding
                    + "', expected json or base64");
        };
        return new Line(json.path(ArchiveColumns.SHARD.name()).asText(), key,
                json.path(ArchiveColumns.SEQUENCE.name()).asText(),
                json.path(ArchiveColumns.SUB_SEQUENCE.name()).asLong(),
                json.path(ArchiveColumns.PARTITION_KEY.name()).asText(),
                Instant.parse(json.path(ArchiveColumns.ARRIVAL.name()).asText()), data,
                text(json, ArchiveColumns.REASON.name()), text(json, ArchiveColumns.METRIC.name()),
                text(json, ArchiveColumns.WINDOW_START.name()), text(json, ArchiveColumns.LAST_WINDOW_START.name()));
    }

    /** The layout before the columns: payload as a string, shard only in the key. */
    private static Line readOldLine(String key, String keyShard, JsonNode json) {
        JsonNode text = json.get("data");
        byte[] data = text != null
                ? text.asText().getBytes(StandardCharsets.UTF_8)
                : Base64.getDecoder().decode(json.path("data_base64").asText());
        return new Line(keyShard, key, json.path("sequence_number").asText(),
                json.path("sub_sequence_number").asLong(), json.path("partition_key").asText(),
                Instant.parse(json.path("approximate_arrival").asText()), data,
                text(json, "reason"), text(json, "metric"), text(json, "window_start"),
                text(json, "window_start"));
    }

    /** The exact text of the line's {@code event} value, as the writer copied it in. */
    private static String rawEvent(String line) throws IOException {
        try (JsonParser parser = FACTORY.createParser(line)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean event = ArchiveColumns.EVENT.name().equals(parser.currentName());
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                if (event) {
                    int end = (int) parser.currentLocation().getCharOffset();
                    return line.substring(start, end);
                }
            }
        }
        throw new IOException("a line with encoding json has no event");
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null ? null : value.asText();
    }

    private static Optional<String> utf8(byte[] data) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private interface LineWriter<T> {
        void write(JsonGenerator generator, T item) throws IOException;
    }

    private static <T> byte[] gzipLines(List<T> items, LineWriter<T> lineWriter) {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes)) {
            for (T item : items) {
                try (JsonGenerator g = JSON.createGenerator(gzip)) {
                    g.writeStartObject();
                    lineWriter.write(g, item);
                    g.writeEndObject();
                }
                gzip.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot gzip in memory", e);
        }
        return bytes.toByteArray();
    }
}
