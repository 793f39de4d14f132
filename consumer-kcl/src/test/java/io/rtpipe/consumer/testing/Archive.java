package io.rtpipe.consumer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads back what the consumer wrote under one S3 prefix (raw/, deadletter/, late/) for a stream. */
public final class Archive {

    /** One JSON line and the shard its object key names. */
    public record Line(String shardId, String key, JsonNode json) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Archive() {
    }

    public static List<Line> lines(S3Client s3, String bucket, String kindPrefix, String stream) {
        List<Line> lines = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(kindPrefix + "/" + stream + "/"))
                .contents()) {
            String[] parts = object.key().split("/");
            String shardId = parts[parts.length - 2];
            byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray();
            try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                for (String text : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    lines.add(new Line(shardId, object.key(), JSON.readTree(text)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable object " + object.key(), e);
            }
        }
        return lines;
    }
}
