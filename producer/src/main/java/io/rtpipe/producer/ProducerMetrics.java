package io.rtpipe.producer;

import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * An immutable snapshot of a producer's counters. Counters are cumulative since the producer started; the gauges
 * (buffered, in flight) are the values at snapshot time. Each field is read independently, so a snapshot taken under
 * load can be off by the records completing while it is taken.
 *
 * @param recordsAccepted       records {@code send} accepted into the buffer
 * @param recordsAcknowledged   records Kinesis acknowledged
 * @param recordsFailed         records given up on (all reasons, including rejections before buffering)
 * @param failuresByReason      {@code recordsFailed} split by reason (every reason present, zero if none)
 * @param bytesAccepted         data bytes of accepted records (partition keys not included)
 * @param bytesAcknowledged     data bytes of acknowledged records
 * @param putRequests           PutRecords calls made
 * @param failedPutRequests     PutRecords calls that failed as a whole (exception instead of a response)
 * @param recordRetries         record attempts beyond the first (one record retried twice counts two)
 * @param bufferFullRejections  {@code send} calls refused with {@link BufferFullException}
 * @param partitionKeyFallbacks records whose configured key field was missing, so they got a random key
 * @param bufferedRecords       records accepted but not yet acknowledged or failed (includes in-flight ones)
 * @param bufferedBytes         their bytes (data + partition key, as counted against the buffer limit)
 * @param inFlightRequests      PutRecords calls awaiting their answer
 * @param putLatency            PutRecords call latency
 * @param recordLatency         time from {@code send} to acknowledgement (buffering, linger and retries included)
 */
public record ProducerMetrics(
        long recordsAccepted,
        long recordsAcknowledged,
        long recordsFailed,
        Map<FailureReason, Long> failuresByReason,
        long bytesAccepted,
        long bytesAcknowledged,
        long putRequests,
        long failedPutRequests,
        long recordRetries,
        long bufferFullRejections,
        long partitionKeyFallbacks,
        long bufferedRecords,
        long bufferedBytes,
        int inFlightRequests,
        Latency putLatency,
        Latency recordLatency) {

    public ProducerMetrics {
        failuresByReason = Map.copyOf(failuresByReason);
    }

    /**
     * A latency distribution summary in microseconds.
     *
     * @param count how many values were recorded
     */
    public record Latency(long count, long p50Micros, long p99Micros, long maxMicros, double meanMicros) {

        /** No latency recorded (also what a producer reports for a latency it does not measure). */
        public static final Latency NONE = new Latency(0, 0, 0, 0, 0);

        /** The figures of a histogram of microseconds, read from a copy (writers may go on recording). */
        public static Latency of(Histogram micros) {
            Histogram copy = micros.copy();
            if (copy.getTotalCount() == 0) {
                return NONE;
            }
            return new Latency(copy.getTotalCount(), copy.getValueAtPercentile(50), copy.getValueAtPercentile(99),
                    copy.getMaxValue(), copy.getMean());
        }
    }
}
