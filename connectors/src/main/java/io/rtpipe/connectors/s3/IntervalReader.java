package io.rtpipe.connectors.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads back the interval objects {@link S3IntervalSink} wrote for a stream: for audits ({@code rtpipe local}),
 * tests and replays from the archive.
 */
public final class IntervalReader {

    /** One line of an interval object, with the shard and key of the object it came from. */
    public record Line(String shardId, String key, JsonNode json) {

        public String sequenceNumber() {
            return json.path("sequence_number").asText();
        }

        public long subSequenceNumber() {
            return json.path("sub_sequence_number").asLong();
        }

        /** The record's payload, whichever way the line stored it. */
        public byte[] data() {
            JsonNode text = json.get("data");
            return text != null
                    ? text.asText().getBytes(StandardCharsets.UTF_8)
                    : Base64.getDecoder().decode(json.path("data_base64").asText());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;

    public IntervalReader(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Every line of every object of {@code kind} for {@code stream}, object by object in key order. */
    public List<Line> lines(IntervalKind kind, String stream) {
        List<Line> lines = new ArrayList<>();
        String prefix = kind.prefix() + "/" + stream + "/";
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            lines.addAll(object(object.key()));
        }
        return lines;
    }

    /** Every line of the one interval object at {@code key} (as {@link S3IntervalSink#write} returns them). */
    public List<Line> object(String key) {
        String[] parts = key.split("/");
        String shardId = parts[parts.length - 2];
        byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        List<Line> lines = new ArrayList<>();
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            for (String text : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!text.isEmpty()) {
                    lines.add(new Line(shardId, key, JSON.readTree(text)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable interval object s3://" + bucket + "/" + key, e);
        }
        return lines;
    }
}
