package io.rtpipe.producer.kinesis;

import io.rtpipe.producer.FailureListener;
import io.rtpipe.producer.SendGuard;
import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.partition.PartitionRule;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link KinesisBatchProducer} batches, bounds, retries and keys records. Immutable; build with
 * {@link #builder(String)}. Defaults (and the Kinesis limits that cap them):
 * <ul>
 *   <li>{@code maxBatchRecords} 500 (the PutRecords limit), {@code maxBatchBytes} 5 MiB (the PutRecords limit),
 *       {@code maxRecordBytes} 1 MiB; sizes count data plus UTF-8 partition key bytes, as Kinesis does;</li>
 *   <li>{@code linger} 50 ms: a partial batch is sent at the latest this long after its first record arrived;</li>
 *   <li>{@code maxInFlightRequests} 16; {@code maxBufferedRecords} 20,000; {@code maxBufferedBytes} 64 MiB (the buffer
 *       holds every record not yet acknowledged or failed, in-flight ones included);</li>
 *   <li>{@code whenBufferFull} {@link BufferFullPolicy#BLOCK};</li>
 *   <li>{@code recordTtl} 30 s, counted from a record's first PutRecords attempt: a record not acknowledged by then
 *       fails with {@code TTL_EXPIRED}. Time spent waiting in the buffer or for a request slot does not count, so a
 *       full pipeline slows the caller down ({@code send} blocks) instead of failing queued records. The TTL is
 *       checked before every attempt; an attempt already in flight runs to its end, so the failure is reported at
 *       most {@code requestTimeout} after the TTL;</li>
 *   <li>{@code requestTimeout} 10 s per PutRecords call (the SDK's own retries included);</li>
 *   <li>{@code backoffBase} 100 ms, {@code backoffMax} 5 s: exponential backoff with full jitter between attempts;</li>
 *   <li>{@code partitionKeys} the field {@code event_id} ({@link io.rtpipe.producer.partition.PartitionRule}: copies
 *       of an event meet on one shard, where de-duplication works), a random key for records without it;</li>
 *   <li>{@code failureListener} logs failures (rate-limited) at WARN;</li>
 *   <li>{@code closeTimeout} 30 s: how long {@code close()} flushes before failing what is left.</li>
 * </ul>
 */
public final class ProducerConfig {

    /** What {@code send} does when the buffer is full. */
    public enum BufferFullPolicy {
        /** Wait for space (buffered records always complete: acknowledged, or failed after their TTL of attempts). */
        BLOCK,
        /** Throw {@link io.rtpipe.producer.BufferFullException} at once. */
        FAIL_FAST
    }

    public static final int KINESIS_MAX_BATCH_RECORDS = 500;
    public static final int KINESIS_MAX_BATCH_BYTES = 5 * 1024 * 1024;

    private final String streamName;
    private final int maxBatchRecords;
    private final int maxBatchBytes;
    private final int maxRecordBytes;
    private final Duration linger;
    private final int maxInFlightRequests;
    private final int maxBufferedRecords;
    private final long maxBufferedBytes;
    private final BufferFullPolicy whenBufferFull;
    private final Duration recordTtl;
    private final Duration requestTimeout;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final PartitionKeySelector partitionKeys;
    private final FailureListener failureListener;
    private final Duration closeTimeout;

    private ProducerConfig(Builder b) {
        this.streamName = b.streamName;
        this.maxBatchRecords = b.maxBatchRecords;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxRecordBytes = b.maxRecordBytes;
        this.linger = b.linger;
        this.maxInFlightRequests = b.maxInFlightRequests;
        this.maxBufferedRecords = b.maxBufferedRecords;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.whenBufferFull = b.whenBufferFull;
        this.recordTtl = b.recordTtl;
        this.requestTimeout = b.requestTimeout;
        this.backoffBase = b.backoffBase;
        this.backoffMax = b.backoffMax;
        this.partitionKeys = b.partitionKeys;
        this.failureListener = b.failureListener != null ? b.failureListener : new LoggingFailureListener(streamName);
        this.closeTimeout = b.closeTimeout;
        validate();
    }

    private void validate() {
        if (streamName == null || streamName.isBlank()) {
            throw new IllegalArgumentException("a stream name is required");
        }
        requireBetween("maxBatchRecords", maxBatchRecords, 1, KINESIS_MAX_BATCH_RECORDS);
        requireBetween("maxBatchBytes", maxBatchBytes, 1, KINESIS_MAX_BATCH_BYTES);
        requireBetween("maxRecordBytes", maxRecordBytes, 1, maxBatchBytes);
        requireBetween("maxInFlightRequests", maxInFlightRequests, 1, Integer.MAX_VALUE);
        requireBetween("maxBufferedRecords", maxBufferedRecords, 1, Integer.MAX_VALUE);
        if (maxBufferedBytes < maxRecordBytes) {
            throw new IllegalArgumentException("maxBufferedBytes (" + maxBufferedBytes + ") must be at least "
                    + "maxRecordBytes (" + maxRecordBytes + "), else a large record could never be buffered");
        }
        requireNonNegative("linger", linger);
        requirePositive("recordTtl", recordTtl);
        requirePositive("requestTimeout", requestTimeout);
        requirePositive("backoffBase", backoffBase);
        requirePositive("closeTimeout", closeTimeout);
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoffMax (" + backoffMax + ") must not be below backoffBase ("
                    + backoffBase + ")");
        }
        Objects.requireNonNull(whenBufferFull, "whenBufferFull");
        Objects.requireNonNull(partitionKeys, "partitionKeys");
    }

    private static void requireBetween(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }

    private static void requireNonNegative(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, got " + value);
        }
    }

    public static Builder builder(String streamName) {
        return new Builder(streamName);
    }

    public Builder toBuilder() {
        return new Builder(streamName)
                .maxBatchRecords(maxBatchRecords).maxBatchBytes(maxBatchBytes).maxRecordBytes(maxRecordBytes)
                .linger(linger).maxInFlightRequests(maxInFlightRequests).maxBufferedRecords(maxBufferedRecords)
                .maxBufferedBytes(maxBufferedBytes).whenBufferFull(whenBufferFull).recordTtl(recordTtl)
                .requestTimeout(requestTimeout).backoffBase(backoffBase).backoffMax(backoffMax)
                .partitionKeys(partitionKeys).failureListener(failureListener).closeTimeout(closeTimeout);
    }

    public String streamName() { return streamName; }
    public int maxBatchRecords() { return maxBatchRecords; }
    public int maxBatchBytes() { return maxBatchBytes; }
    public int maxRecordBytes() { return maxRecordBytes; }
    public Duration linger() { return linger; }
    public int maxInFlightRequests() { return maxInFlightRequests; }
    public int maxBufferedRecords() { return maxBufferedRecords; }
    public long maxBufferedBytes() { return maxBufferedBytes; }
    public BufferFullPolicy whenBufferFull() { return whenBufferFull; }
    public Duration recordTtl() { return recordTtl; }
    public Duration requestTimeout() { return requestTimeout; }
    public Duration backoffBase() { return backoffBase; }
    public Duration backoffMax() { return backoffMax; }
    public PartitionKeySelector partitionKeys() { return partitionKeys; }
    public FailureListener failureListener() { return failureListener; }
    public Duration closeTimeout() { return closeTimeout; }

    @Override
    public String toString() {
        return "ProducerConfig{stream=" + streamName + ", batch<=" + maxBatchRecords + " records/" + maxBatchBytes
                + " B, record<=" + maxRecordBytes + " B, linger=" + linger + ", inFlight<=" + maxInFlightRequests
                + ", buffer<=" + maxBufferedRecords + " records/" + maxBufferedBytes + " B, whenFull=" + whenBufferFull
                + ", ttl=" + recordTtl + ", requestTimeout=" + requestTimeout + ", backoff=" + backoffBase + ".."
                + backoffMax + ", keys=" + partitionKeys + ", closeTimeout=" + closeTimeout + "}";
    }

    public static final class Builder {
        private final String streamName;
        private int maxBatchRecords = KINESIS_MAX_BATCH_RECORDS;
        private int maxBatchBytes = KINESIS_MAX_BATCH_BYTES;
        private int maxRecordBytes = SendGuard.KINESIS_MAX_RECORD_BYTES;
        private Duration linger = Duration.ofMillis(50);
        private int maxInFlightRequests = 16;
        private int maxBufferedRecords = 20_000;
        private long maxBufferedBytes = 64L * 1024 * 1024;
        private BufferFullPolicy whenBufferFull = BufferFullPolicy.BLOCK;
        private Duration recordTtl = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration backoffBase = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(5);
        private PartitionKeySelector partitionKeys = PartitionRule.selector(null, false, List.of());
        private FailureListener failureListener;
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder(String streamName) {
            this.streamName = streamName;
        }

        public Builder maxBatchRecords(int value) { this.maxBatchRecords = value; return this; }
        public Builder maxBatchBytes(int value) { this.maxBatchBytes = value; return this; }
        public Builder maxRecordBytes(int value) { this.maxRecordBytes = value; return this; }
        public Builder linger(Duration value) { this.linger = value; return this; }
        public Builder maxInFlightRequests(int value) { this.maxInFlightRequests = value; return this; }
        public Builder maxBufferedRecords(int value) { this.maxBufferedRecords = value; return this; }
        public Builder maxBufferedBytes(long value) { this.maxBufferedBytes = value; return this; }
        public Builder whenBufferFull(BufferFullPolicy value) { this.whenBufferFull = value; return this; }
        public Builder recordTtl(Duration value) { this.recordTtl = value; return this; }
        public Builder requestTimeout(Duration value) { this.requestTimeout = value; return this; }
        public Builder backoffBase(Duration value) { this.backoffBase = value; return this; }
        public Builder backoffMax(Duration value) { this.backoffMax = value; return this; }
        public Builder partitionKeys(PartitionKeySelector value) { this.partitionKeys = value; return this; }
        /** Shorthand for {@code partitionKeys(PartitionKeySelector.jsonField(fieldName))}. */
        public Builder partitionKeyField(String fieldName) { return partitionKeys(PartitionKeySelector.jsonField(fieldName)); }
        /** Replaces the default logging listener; called once per failed record. */
        public Builder failureListener(FailureListener value) { this.failureListener = value; return this; }
        public Builder closeTimeout(Duration value) { this.closeTimeout = value; return this; }

        public ProducerConfig build() {
            return new ProducerConfig(this);
        }
    }
}
