package io.rtpipe.connectors.s3;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes interval contents as gzip-compressed JSON lines, one record per line.
 *
 * <p>Every line starts with the record envelope
 * {@code {"sequence_number","sub_sequence_number","partition_key","approximate_arrival","data"}}: {@code data} is
 * the payload as a string when it is valid UTF-8, otherwise the line carries {@code data_base64} instead, so the
 * archive never loses or mangles bytes. Dead-letter lines add {@code reason}; late-record lines add {@code metric}
 * and {@code window_start}. The output is byte-for-byte deterministic (gzip header time is 0), so a replay rewrites
 * identical objects.
 */
public final class IntervalLines {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private IntervalLines() {
    }

    public static byte[] raw(List<InputRecord> records) {
        return gzipLines(records, IntervalLines::envelope);
    }

    public static byte[] deadLetters(List<DeadLetter> deadLetters) {
        return gzipLines(deadLetters, d -> envelope(d.record()).put("reason", d.reason()));
    }

    public static byte[] lateRecords(List<LateRecord> lateRecords) {
        return gzipLines(lateRecords, l -> envelope(l.record())
                .put("metric", l.metric())
                .put("window_start", l.windowStart().toString())
                .put("last_window_start", l.lastWindowStart().toString()));
    }

    /** The JSON envelope of one record (exposed for readers and tests of the format). */
    public static ObjectNode envelope(InputRecord record) {
        ObjectNode line = JSON.createObjectNode()
                .put("sequence_number", record.position().sequenceNumber())
                .put("sub_sequence_number", record.position().subSequenceNumber())
                .put("partition_key", record.partitionKey())
                .put("approximate_arrival", Instant.ofEpochMilli(record.arrivalMillis()).toString());
        Optional<String> text = utf8(record.data());
        if (text.isPresent()) {
            line.put("data", text.get());
        } else {
            line.put("data_base64", Base64.getEncoder().encodeToString(record.data()));
        }
        return line;
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

    private static <T> byte[] gzipLines(List<T> items, Function<T, ObjectNode> toLine) {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes)) {
            for (T item : items) {
                JSON.writeValue(gzip, toLine.apply(item));
                gzip.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot gzip in memory", e);
        }
        return bytes.toByteArray();
    }
}
