package io.rtpipe.connectors.s3;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back the interval objects {@link S3IntervalSink} wrote for a stream, decoded by {@link IntervalLines} (either
 * layout): for audits ({@code rtpipe local}), the chaos verifier, the console, tests and replays from the archive.
 */
public final class IntervalReader {

    private final S3Client s3;
    private final String bucket;

    public IntervalReader(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Every line of every object of {@code kind} for {@code stream}, object by object in key order. */
    public List<IntervalLines.Line> lines(IntervalKind kind, String stream) {
        List<IntervalLines.Line> lines = new ArrayList<>();
        String prefix = kind.prefix() + "/" + stream + "/";
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            lines.addAll(object(object.key()));
        }
        return lines;
    }

    /** Every line of the one interval object at {@code key} (as {@link S3IntervalSink#write} returns them). */
    public List<IntervalLines.Line> object(String key) {
        byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        try {
            return IntervalLines.read(key, gz);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable interval object s3://" + bucket + "/" + key, e);
        }
    }
}
