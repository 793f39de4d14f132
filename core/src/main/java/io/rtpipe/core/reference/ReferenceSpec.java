package io.rtpipe.core.reference;

import io.rtpipe.core.metric.FieldPath;

import java.time.Duration;
import java.util.Objects;

/**
 * A reference table events are joined with (top-level {@code references:} of a spec, docs/metrics.md): rows loaded
 * from {@code source}, each found by the text of its {@code key} column, matched against the event field {@code on}.
 * A metric addresses a joined row's column as {@code NAME.COLUMN}. Immutable.
 *
 * @param name   the name metrics address its columns under; hides an event field of the same name
 * @param source where the rows are: an S3 object, a local file or a DynamoDB table
 * @param format how an S3 object or file is read; null for a DynamoDB table
 * @param key    the column whose value identifies a row
 * @param on     the event field whose value (a string, or an integer as its decimal text) is looked up
 * @param reload how often the source is read again; a new version takes effect at a checkpoint (docs/ENGINE.md)
 */
public record ReferenceSpec(String name, Source source, Format format, String key, FieldPath on, Duration reload) {
    /** The most rows a table may hold: a larger one is refused, so the tables' heap stays bounded. */
    public static final int MAX_ROWS = 100_000;
    /** The largest object or file read: 64 MiB (a DynamoDB table is bounded by its rows). */
    public static final long MAX_BYTES = 64L << 20;
    public static final Duration DEFAULT_RELOAD = Duration.ofMinutes(5);

    /** How an object's or file's bytes are read: CSV and JSON lines in core, Parquet in connectors. */
    public enum Format {
        CSV("csv"), JSON_LINES("jsonl"), PARQUET("parquet");

        private final String specName;

        Format(String specName) {
            this.specName = specName;
        }

        public String specName() {
            return specName;
        }
    }

    /** Where a table's rows are. */
    public sealed interface Source {
        /** The spec key naming this kind of source. */
        String specKey();

        /** The location as the spec writes it. */
        String location();
    }

    /**
     * An object {@code s3://BUCKET/KEY}; its version id ({@code s3-version:ID}) is the table's version, or in an
     * unversioned bucket its ETag ({@code etag:TAG}).
     */
    public record S3Object(String bucket, String objectKey) implements Source {
        public String specKey() {
            return "s3";
        }

        public String location() {
            return "s3://" + bucket + "/" + objectKey;
        }
    }

    /**
     * A local file (rtpipe local, tests), relative to the working directory; the SHA-256 of its bytes is the
     * table's version ({@code sha256:} and 16 hex digits).
     */
    public record LocalFile(String path) implements Source {
        public String specKey() {
            return "file";
        }

        public String location() {
            return path;
        }
    }

    /** A DynamoDB table read whole by a scan per reload; the SHA-256 of its rows is the table's version. */
    public record DynamoDbTable(String table) implements Source {
        public String specKey() {
            return "dynamodb";
        }

        public String location() {
            return table;
        }
    }

    public ReferenceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(on, "on");
        Objects.requireNonNull(reload, "reload");
        if ((format == null) != (source instanceof DynamoDbTable)) {
            throw new IllegalArgumentException("reference " + name + ": a format is given exactly for a file or "
                    + "S3 object");
        }
    }
}
