package io.rtpipe.producer.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Packs user records into Kinesis records of at most {@link AggregationConfig#maxRecordBytes()} bytes, one open
 * aggregate per hash-key bucket (see the package documentation for why this keeps every record on its key's shard).
 * Records of one partition key always go to one bucket and leave in the order they were added.
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
    private final HashKeyBuckets buckets;
    private final List<AggregateBuilder<T>> aggregates;
    private long userRecords;
    private long kinesisRecords;
    /** Aggregates holding at least one record. */
    private int open;

    public RecordAggregator(AggregationConfig config) {
        this.config = config;
        this.buckets = new HashKeyBuckets(config.hashBuckets());
        this.aggregates = new ArrayList<>(buckets.count());
        for (int i = 0; i < buckets.count(); i++) {
            aggregates.add(new AggregateBuilder<>(i, buckets.routingKey(i), buckets.hashKey(i)));
        }
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
        AggregateBuilder<T> aggregate = aggregates.get(buckets.bucketOf(partitionKey));
        if (tryAdd(aggregate, partitionKey, data, member, nowNanos, config.maxRecordBytes())) {
            return;
        }
        if (!aggregate.isEmpty()) {
            emit(aggregate, sink);
            if (tryAdd(aggregate, partitionKey, data, member, nowNanos, config.maxRecordBytes())) {
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

    /** Completes every open aggregate whose first record was added at or before {@code cutoffNanos}. */
    public void drainOlderThan(long cutoffNanos, Consumer<? super PackedRecord<T>> sink) {
        for (AggregateBuilder<T> aggregate : aggregates) {
            if (!aggregate.isEmpty() && aggregate.firstAddedNanos() - cutoffNanos <= 0) {
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
