package io.rtpipe.producer.aggregation;

import java.time.Duration;

/**
 * How user records are packed into aggregated Kinesis records. Immutable; build with {@link #builder()}.
 *
 * @param maxRecordBytes size target of one Kinesis record: aggregated data plus the record's partition key, in bytes.
 *                       Default 65,536 (the KPL's default is 51,200); at most 1,048,576, Kinesis' limit per record.
 * @param hashBuckets    how user records are grouped into lanes (see the package documentation). Default
 *                       {@value #SHARD_LANES}: one lane per open shard of the stream, learned with ListShards when
 *                       the producer starts and again after a reshard, so each shard gets its records in
 *                       {@code send} order. A positive count: that many equal hash-key ranges, no ListShards; a
 *                       shard then gets the aggregates of several lanes, each covering a stretch of the input, so
 *                       its records arrive out of order by up to an aggregate's stretch.
 * @param linger         how long an aggregate stays open for more records before it is sent anyway. Default 50 ms;
 *                       the producer's own batching linger comes on top of it.
 * @param orderedPerLane at most one aggregate per lane is with the Kinesis producer at a time: the next one of
 *                       that lane is handed over only once the previous one was acknowledged or failed. Default
 *                       true: a lane's records then reach the stream in {@code send} order even with many
 *                       PutRecords requests in flight (lanes go concurrently) and with retries (a retried aggregate
 *                       can otherwise land after a later one of its lane). Costs one round trip per aggregate and
 *                       lane, about {@code maxRecordBytes / round trip} per lane (64 KB per 20 ms = 3.2 MB/s, above
 *                       a shard's 1 MB/s). False: aggregates of a lane may overtake each other (a failed one is
 *                       still reported, never lost silently).
 */
public record AggregationConfig(int maxRecordBytes, int hashBuckets, Duration linger, boolean orderedPerLane) {

    /** Kinesis' limit for one record: data blob plus partition key. */
    public static final int KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
    /** {@link #hashBuckets()} value for one lane per open shard (the default). */
    public static final int SHARD_LANES = 0;
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(50);

    /** Smallest size target accepted: below it the framing (magic, digest, key tables) dominates. */
    static final int MIN_RECORD_BYTES = 1024;

    public AggregationConfig {
        if (maxRecordBytes < MIN_RECORD_BYTES || maxRecordBytes > KINESIS_MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("Aggregation size target must be between " + MIN_RECORD_BYTES + " and "
                    + KINESIS_MAX_RECORD_BYTES + " bytes, was " + maxRecordBytes + ".");
        }
        if (hashBuckets < 0 || hashBuckets > 65_536) {
            throw new IllegalArgumentException("Aggregation hash buckets must be between 0 (one per shard) and 65536, "
                    + "was " + hashBuckets + ".");
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
        private int hashBuckets = SHARD_LANES;
        private Duration linger = DEFAULT_LINGER;
        private boolean orderedPerLane = true;

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

        public Builder orderedPerLane(boolean ordered) {
            this.orderedPerLane = ordered;
            return this;
        }

        public AggregationConfig build() {
            return new AggregationConfig(maxRecordBytes, hashBuckets, linger, orderedPerLane);
        }
    }
}
