package io.rtpipe.producer.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Packs user records into Kinesis records of at most {@link AggregationConfig#maxRecordBytes()} bytes, one open
 * aggregate per lane, a range of hash keys (see the package documentation for why this keeps every record on its
 * lane's shard). Records of one lane leave in the order they were added, so do those of one partition key until
 * {@link #replaceBuckets} changes the lanes.
 *
 * <p>Completed Kinesis records are handed to a sink: from {@link #add} when an aggregate is full, from
 * {@link #drainOlderThan} for the producer's linger, and from {@link #drainAll} on flush or close. Not thread-safe:
 * the producer calls it from one thread or under one lock.
 *
 * @param <T> the caller's handle of a user record (for example its future)
 */
public final class RecordAggregator<T> {

    /** Kinesis' limit on partition keys, in Unicode characters. */
    static final int MAX_PARTITION_KEY_CHARS = 256;

    private final AggregationConfig config;
    private final IntPredicate backlogged;
    private final int backlogRecordBytes;
    private HashKeyBuckets buckets;
    private List<AggregateBuilder<T>> aggregates;
    private long userRecords;
    private long kinesisRecords;
    /** Aggregates holding at least one record. */
    private int open;

    /**
     * With {@code config.hashBuckets()} equal hash-key ranges as lanes.
     *
     * @throws IllegalArgumentException if the config asks for one lane per shard, which needs the shards (use the
     *                                  other constructor with {@link HashKeyBuckets#forShards})
     */
    public RecordAggregator(AggregationConfig config) {
        this(config, fixedBuckets(config));
    }

    private static HashKeyBuckets fixedBuckets(AggregationConfig config) {
        if (config.hashBuckets() == AggregationConfig.SHARD_LANES) {
            throw new IllegalArgumentException("one lane per shard needs the stream's shards: pass "
                    + "HashKeyBuckets.forShards(...) or set a bucket count");
        }
        return new HashKeyBuckets(config.hashBuckets());
    }

    /** With the given lanes, e.g. {@link HashKeyBuckets#forShards one per shard}. */
    public RecordAggregator(AggregationConfig config, HashKeyBuckets buckets) {
        this(config, buckets, lane -> false, config.maxRecordBytes());
    }

    /**
     * @param backlogged         lanes that cannot send now (their previous aggregate is still in flight): their open
     *                           aggregate keeps filling up to {@code backlogRecordBytes} and the linger leaves it open,
     *                           so one round trip carries what arrived meanwhile
     * @param backlogRecordBytes size target of a backlogged lane's aggregate, at least the config's
     */
    public RecordAggregator(AggregationConfig config, HashKeyBuckets buckets, IntPredicate backlogged,
                            int backlogRecordBytes) {
        this.config = config;
        this.backlogged = backlogged;
        this.backlogRecordBytes = Math.max(config.maxRecordBytes(),
                Math.min(backlogRecordBytes, AggregationConfig.KINESIS_MAX_RECORD_BYTES));
        useBuckets(buckets);
    }

    private void useBuckets(HashKeyBuckets buckets) {
        this.buckets = buckets;
        this.aggregates = new ArrayList<>(buckets.count());
        for (int i = 0; i < buckets.count(); i++) {
            aggregates.add(new AggregateBuilder<>(i, buckets.routingKey(i), buckets.hashKey(i)));
        }
    }

    /** The lanes records are grouped by now. */
    public HashKeyBuckets buckets() {
        return buckets;
    }

    /**
     * Completes every open aggregate (into {@code sink}, under the old lanes), then groups further records by
     * {@code next}: after a reshard, the new shards' lanes.
     */
    public void replaceBuckets(HashKeyBuckets next, Consumer<? super PackedRecord<T>> sink) {
        drainAll(sink);
        useBuckets(next);
    }

    public AggregationConfig config() {
        return config;
    }

    /**
     * Adds a user record. One that does not fit the size target even alone goes out in an aggregate of its own (up to
     * Kinesis' 1 MiB limit), after the open aggregate of its bucket so order is kept.
     *
     * @param partitionKey 1 to 256 characters
     * @param data         the record's bytes; not copied, so the caller must not change them afterwards
     * @param member       the caller's handle, returned in {@link PackedRecord#members()}
     * @param nowNanos     {@link System#nanoTime()} now, the start of the linger of a newly opened aggregate
     * @param sink         receives the Kinesis records this call completes, in order
     * @throws IllegalArgumentException if the key is empty or too long, or the record in an aggregate of its own
     *                                  exceeds Kinesis' 1 MiB record limit (nothing was added then)
     */
    public void add(String partitionKey, byte[] data, T member, long nowNanos, Consumer<? super PackedRecord<T>> sink) {
        if (partitionKey.isEmpty() || partitionKey.length() > MAX_PARTITION_KEY_CHARS) {
            throw new IllegalArgumentException("A partition key must have 1 to 256 characters, this one has "
                    + partitionKey.length() + ".");
        }
        int lane = buckets.bucketOf(partitionKey);
        AggregateBuilder<T> aggregate = aggregates.get(lane);
        int target = backlogged.test(lane) ? backlogRecordBytes : config.maxRecordBytes();
        if (tryAdd(aggregate, partitionKey, data, member, nowNanos, target)) {
            return;
        }
        if (!aggregate.isEmpty()) {
            emit(aggregate, sink);
            if (tryAdd(aggregate, partitionKey, data, member, nowNanos, target)) {
                return;
            }
        }
        if (!tryAdd(aggregate, partitionKey, data, member, nowNanos, AggregationConfig.KINESIS_MAX_RECORD_BYTES)) {
            throw new IllegalArgumentException("A record of " + data.length + " bytes with partition key '"
                    + partitionKey + "' exceeds Kinesis' limit of 1 MiB per record once framed as an aggregated"
                    + " record (" + aggregate.maxDataBytes(partitionKey) + " bytes at most).");
        }
        emit(aggregate, sink);
    }

    private boolean tryAdd(AggregateBuilder<T> aggregate, String partitionKey, byte[] data, T member, long nowNanos,
                           int maxRecordBytes) {
        boolean opens = aggregate.isEmpty();
        if (!aggregate.tryAdd(partitionKey, data, member, nowNanos, maxRecordBytes)) {
            return false;
        }
        if (opens) {
            open++;
        }
        userRecords++;
        return true;
    }

    /**
     * Completes every open aggregate whose first record was added at or before {@code cutoffNanos}, except those of
     * backlogged lanes.
     */
    public void drainOlderThan(long cutoffNanos, Consumer<? super PackedRecord<T>> sink) {
        for (int lane = 0; lane < aggregates.size(); lane++) {
            AggregateBuilder<T> aggregate = aggregates.get(lane);
            if (!aggregate.isEmpty() && aggregate.firstAddedNanos() - cutoffNanos <= 0 && !backlogged.test(lane)) {
                emit(aggregate, sink);
            }
        }
    }

    /** Completes every open aggregate. */
    public void drainAll(Consumer<? super PackedRecord<T>> sink) {
        for (AggregateBuilder<T> aggregate : aggregates) {
            if (!aggregate.isEmpty()) {
                emit(aggregate, sink);
            }
        }
    }

    /** Whether any aggregate holds records not yet handed to a sink (cheaper than {@link #oldestOpenNanos()}). */
    public boolean hasOpenAggregates() {
        return open > 0;
    }

    /** The {@link System#nanoTime()} at which the oldest open aggregate was started, or empty if none is open. */
    public OptionalLong oldestOpenNanos() {
        OptionalLong oldest = OptionalLong.empty();
        for (AggregateBuilder<T> aggregate : aggregates) {
            if (!aggregate.isEmpty()
                    && (oldest.isEmpty() || aggregate.firstAddedNanos() - oldest.getAsLong() < 0)) {
                oldest = OptionalLong.of(aggregate.firstAddedNanos());
            }
        }
        return oldest;
    }

    /** User records added so far. */
    public long userRecords() {
        return userRecords;
    }

    /** Kinesis records handed to sinks so far. */
    public long kinesisRecords() {
        return kinesisRecords;
    }

    private void emit(AggregateBuilder<T> aggregate, Consumer<? super PackedRecord<T>> sink) {
        kinesisRecords++;
        open--;
        sink.accept(aggregate.complete());
    }
}
