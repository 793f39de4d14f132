package io.rtpipe.producer.aggregation;

import java.time.Duration;

/**
 * How user records are packed into aggregated Kinesis records. Immutable; build with {@link #builder()}.
 *
 * @param maxRecordBytes size target of one Kinesis record: aggregated data plus the record's partition key, in bytes.
 *                       Default 65,536 (the KPL's default is 51,200); at most 1,048,576, Kinesis' limit per record.
 * @param hashBuckets    number of equal hash-key ranges records are grouped by (see the package documentation).
 *                       Default 32: an even spread over up to about 4 shards, and still several KB per Kinesis record
 *                       for one shard at 1 MB/s with a 100 ms linger. Use about 8 × the stream's shard count.
 * @param linger         how long an aggregate stays open for more records before it is sent anyway. Default 50 ms;
 *                       the producer's own batching linger comes on top of it.
 * @param orderedPerBucket at most one aggregate per bucket is with the Kinesis producer at a time: the next one of
 *                       that bucket is handed over only once the previous one was acknowledged or failed. Default
 *                       true: a partition key's records then reach the stream in {@code send} order even with many
 *                       PutRecords requests in flight and with retries (a retried aggregate can otherwise land
 *                       after a later one of its key). Costs one round trip per aggregate and bucket, about
 *                       {@code maxRecordBytes / round trip} per bucket (64 KB per 20 ms = 3.2 MB/s, above a shard's
 *                       1 MB/s). False: aggregates of a bucket may overtake each other (a failed one is still
 *                       reported, never lost silently).
 */
public record AggregationConfig(int maxRecordBytes, int hashBuckets, Duration linger, boolean orderedPerBucket) {

    /** Kinesis' limit for one record: data blob plus partition key. */
    public static final int KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
    public static final int DEFAULT_HASH_BUCKETS = 32;
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(50);

    /** Smallest size target accepted: below it the framing (magic, digest, key tables) dominates. */
    static final int MIN_RECORD_BYTES = 1024;

    public AggregationConfig {
        if (maxRecordBytes < MIN_RECORD_BYTES || maxRecordBytes > KINESIS_MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("Aggregation size target must be between " + MIN_RECORD_BYTES + " and "
                    + KINESIS_MAX_RECORD_BYTES + " bytes, was " + maxRecordBytes + ".");
        }
        if (hashBuckets < 1 || hashBuckets > 65_536) {
            throw new IllegalArgumentException("Aggregation hash buckets must be between 1 and 65536, was "
                    + hashBuckets + ".");
        }
        if (linger == null || linger.isNegative()) {
            throw new IllegalArgumentException("Aggregation linger must be zero or positive, was " + linger + ".");
        }
    }

    public static AggregationConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private int hashBuckets = DEFAULT_HASH_BUCKETS;
        private Duration linger = DEFAULT_LINGER;
        private boolean orderedPerBucket = true;

        private Builder() {
        }

        public Builder maxRecordBytes(int bytes) {
            this.maxRecordBytes = bytes;
            return this;
        }

        public Builder hashBuckets(int buckets) {
            this.hashBuckets = buckets;
            return this;
        }

        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        public Builder orderedPerBucket(boolean ordered) {
            this.orderedPerBucket = ordered;
            return this;
        }

        public AggregationConfig build() {
            return new AggregationConfig(maxRecordBytes, hashBuckets, linger, orderedPerBucket);
        }
    }
}
