package io.rtpipe.connectors.s3;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.contract.ArchivePrefixes;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.SnapshotPort;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.Objects;
import java.util.Optional;

/**
 * The shards' window-state snapshots in the archive bucket, one object per checkpoint and snapshot id:
 * {@code state/<stream>/<shardId>/<sequence>[_<subSequence>]-<id>.bin} (the engine's binary snapshot format, a
 * function of the shard's records alone, so a key's bytes never change). Puts and deletes are retried per the
 * {@link RetryPolicy}; {@link #deleteBefore} lists the shard's prefix once per checkpoint and deletes the keys of
 * earlier checkpoints, also those a worker wrote before dying without storing the progress that would name them.
 */
public final class S3SnapshotStore implements SnapshotPort {
    /** The key prefix of snapshot objects, beside the interval objects' kinds. */
    public static final String PREFIX = ArchivePrefixes.STATE;

    private final S3Client s3;
    private final S3Writes writes;
    private final String stream;

    public S3SnapshotStore(S3Client s3, String bucket, String stream, RetryPolicy retry) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.writes = new S3Writes(s3, bucket, retry);
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** The key of the snapshot {@code id} of {@code shardId} at {@code checkpoint}. */
    public String key(String shardId, RecordPosition checkpoint, String id) {
        String position = checkpoint.subSequenceNumber() == 0 ? checkpoint.sequenceNumber()
                : checkpoint.sequenceNumber() + "_" + checkpoint.subSequenceNumber();
        return shardPrefix(shardId) + position + "-" + id + ".bin";
    }

    private String shardPrefix(String shardId) {
        if (shardId.isEmpty() || shardId.contains("/")) {
            throw new IllegalArgumentException("shardId must be a non-empty name without '/', got '" + shardId + "'");
        }
        return PREFIX + "/" + stream + "/" + shardId + "/";
    }

    /** @throws SinkWriteException when the put still fails after retries */
    @Override
    public void write(String shardId, RecordPosition checkpoint, String id, byte[] snapshot) {
        writes.put(key(shardId, checkpoint, id), snapshot, "application/octet-stream");
    }

    @Override
    public Optional<byte[]> read(String shardId, RecordPosition checkpoint, String id) {
        String key = key(shardId, checkpoint, id);
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(writes.bucket()).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new SinkWriteException("could not read s3://" + writes.bucket() + "/" + key + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void deleteBefore(String shardId, RecordPosition keepFrom) {
        String prefix = shardPrefix(shardId);
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(writes.bucket()).prefix(prefix)).contents()) {
            RecordPosition position = positionOf(object.key().substring(prefix.length()));
            if (position != null && position.compareTo(keepFrom) < 0) {
                writes.delete(object.key());
            }
        }
    }

    /** The checkpoint in a snapshot object's name, or null for a name this store does not write. */
    private static RecordPosition positionOf(String name) {
        int dash = name.indexOf('-');
        if (dash <= 0 || !name.endsWith(".bin")) {
            return null;
        }
        String position = name.substring(0, dash);
        int underscore = position.indexOf('_');
        try {
            return underscore < 0 ? RecordPosition.of(position) : new RecordPosition(position.substring(0, underscore),
                    Long.parseLong(position.substring(underscore + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
