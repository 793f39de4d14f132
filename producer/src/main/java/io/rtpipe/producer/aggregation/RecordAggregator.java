package io.rtpipe.producer.aggregation;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Packs user records into Kinesis records of at most {@link AggregationConfig#maxRecordBytes()} bytes, one open
 * aggregate per hash key (see the package documentation for why this keeps every record on its key's shard). Records
 * of one partition key always share a hash key and leave in the order they were added.
 *
 * <p>Completed Kinesis records are handed to a sink: from {@link #add} when an aggregate is full, from
 * {@link #drainOlderThan} for the producer's linger, and from {@link #drainAll} on flush or close. Not thread-safe:
 * the producer calls it from one thread or under one lock.
 *
 * @param <T> the caller's handle of a user record (for example its completion callback)
 */
public final class RecordAggregator<T> {

    /** Kinesis' limit on partition keys, in Unicode characters. */
    static final int MAX_PARTITION_KEY_CHARS = 256;
    private static final BigInteger MAX_HASH_KEY = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private final AggregationConfig config;
    private final HashKeyBuckets buckets;
    private final MessageDigest md5 = HashKeyBuckets.newMd5();
    private final List<AggregateBuilder<T>> bucketAggregates;
    /** Records that came with their own explicit hash key, grouped by that key. */
    private final Map<String, AggregateBuilder<T>> explicitAggregates = new HashMap<>();
    private long userRecords;
    private long kinesisRecords;

    public RecordAggregator(AggregationConfig config) {
        this.config = config;
        this.buckets = new HashKeyBuckets(config.hashBuckets());
        this.bucketAggregates = new ArrayList<>(buckets.count());
        for (int i = 0; i < buckets.count(); i++) {
            bucketAggregates.add(new AggregateBuilder<>(buckets.explicitHashKey(i), config.maxRecordBytes(), md5));
        }
    }

    public AggregationConfig config() {
        return config;
    }

    /**
     * Adds a user record. A record too big to share a Kinesis record goes out alone, unaggregated, after the open
     * aggregate of its hash key (so order is kept).
     *
     * @param partitionKey    1 to 256 characters
     * @param explicitHashKey null to route by the partition key's bucket, else a decimal hash key the record keeps
     * @param data            the record's bytes; not copied, so the caller must not change them afterwards
     * @param member          the caller's handle, returned in {@link PackedRecord#members()}
     * @param nowNanos        {@link System#nanoTime()} now, the start of the linger of a newly opened aggregate
     * @param sink            receives the Kinesis records this call completes, in order
     * @throws IllegalArgumentException if the key is empty or too long, the hash key is not one, or the record with
     *                                  its key exceeds Kinesis' 1 MiB record limit
     */
    public void add(String partitionKey, String explicitHashKey, byte[] data, T member, long nowNanos,
                    Consumer<? super PackedRecord<T>> sink) {
        if (partitionKey.isEmpty() || partitionKey.length() > MAX_PARTITION_KEY_CHARS) {
            throw new IllegalArgumentException("A partition key must have 1 to 256 characters, this one has "
                    + partitionKey.length() + ".");
        }
        int partitionKeyBytes = Utf8.length(partitionKey);
        if (data.length + partitionKeyBytes > AggregationConfig.KINESIS_MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("A record of " + data.length + " bytes with a partition key of "
                    + partitionKeyBytes + " bytes exceeds Kinesis' limit of 1 MiB per record.");
        }
        AggregateBuilder<T> aggregate = explicitHashKey == null
                ? bucketAggregates.get(buckets.bucketOf(partitionKey))
                : explicitAggregates.computeIfAbsent(explicitHashKey, this::newExplicitAggregate);
        userRecords++;
        if (aggregate.tryAdd(partitionKey, partitionKeyBytes, data, member, nowNanos)) {
            return;
        }
        if (!aggregate.isEmpty()) {
            emit(aggregate, sink);
            if (aggregate.tryAdd(partitionKey, partitionKeyBytes, data, member, nowNanos)) {
                return;
            }
        }
        // Too big to share a record with anything: it goes out as itself.
        emit(aggregate.explicitHashKey(), partitionKey, data, member, sink);
    }

    /** Completes every open aggregate whose first record was added at or before {@code cutoffNanos}. */
    public void drainOlderThan(long cutoffNanos, Consumer<? super PackedRecord<T>> sink) {
        forEachOpen(aggregate -> {
            if (aggregate.firstAddedNanos() - cutoffNanos <= 0) {
                emit(aggregate, sink);
            }
        });
    }

    /** Completes every open aggregate. */
    public void drainAll(Consumer<? super PackedRecord<T>> sink) {
        forEachOpen(aggregate -> emit(aggregate, sink));
    }

    /** The {@link System#nanoTime()} at which the oldest open aggregate was started, or empty if none is open. */
    public OptionalLong oldestOpenNanos() {
        OptionalLong oldest = OptionalLong.empty();
        for (AggregateBuilder<T> aggregate : openAggregates()) {
            if (oldest.isEmpty() || aggregate.firstAddedNanos() - oldest.getAsLong() < 0) {
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

    private void forEachOpen(Consumer<AggregateBuilder<T>> action) {
        openAggregates().forEach(action);
        // Explicit-key aggregates are created per distinct key: drop the idle ones so the map stays small.
        explicitAggregates.values().removeIf(AggregateBuilder::isEmpty);
    }

    private List<AggregateBuilder<T>> openAggregates() {
        List<AggregateBuilder<T>> open = new ArrayList<>();
        for (AggregateBuilder<T> aggregate : bucketAggregates) {
            if (!aggregate.isEmpty()) {
                open.add(aggregate);
            }
        }
        for (AggregateBuilder<T> aggregate : explicitAggregates.values()) {
            if (!aggregate.isEmpty()) {
                open.add(aggregate);
            }
        }
        return open;
    }

    private void emit(AggregateBuilder<T> aggregate, Consumer<? super PackedRecord<T>> sink) {
        kinesisRecords++;
        sink.accept(aggregate.complete());
    }

    private void emit(String explicitHashKey, String partitionKey, byte[] data, T member,
                      Consumer<? super PackedRecord<T>> sink) {
        kinesisRecords++;
        sink.accept(new PackedRecord<>(partitionKey, explicitHashKey, data, false, List.of(member)));
    }

    private AggregateBuilder<T> newExplicitAggregate(String explicitHashKey) {
        BigInteger key;
        try {
            key = new BigInteger(explicitHashKey);
        } catch (NumberFormatException e) {
            key = BigInteger.ONE.negate();
        }
        if (key.signum() < 0 || key.compareTo(MAX_HASH_KEY) > 0) {
            throw new IllegalArgumentException("An explicit hash key must be a decimal number from 0 to 2^128-1, was '"
                    + explicitHashKey + "'.");
        }
        return new AggregateBuilder<>(explicitHashKey, config.maxRecordBytes(), md5);
    }
}
