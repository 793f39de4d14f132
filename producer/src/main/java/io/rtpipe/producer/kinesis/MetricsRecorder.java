package io.rtpipe.producer.kinesis;

import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.ProducerMetrics;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** The producer's counters: striped adders and concurrent histograms, so recording never contends on a lock. */
final class MetricsRecorder {

    final LongAdder recordsAccepted = new LongAdder();
    final LongAdder recordsAcknowledged = new LongAdder();
    final LongAdder bytesAccepted = new LongAdder();
    final LongAdder bytesAcknowledged = new LongAdder();
    final LongAdder putRequests = new LongAdder();
    final LongAdder failedPutRequests = new LongAdder();
    final LongAdder recordRetries = new LongAdder();
    final LongAdder bufferFullRejections = new LongAdder();
    private final LongAdder[] failures = new LongAdder[FailureReason.values().length];
    private final Histogram putLatencyMicros = new ConcurrentHistogram(3);
    private final Histogram recordLatencyMicros = new ConcurrentHistogram(3);

    MetricsRecorder() {
        for (int i = 0; i < failures.length; i++) {
            failures[i] = new LongAdder();
        }
    }

    void failed(FailureReason reason) {
        failures[reason.ordinal()].increment();
    }

    void putLatency(long nanos) {
        putLatencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(Math.max(0, nanos)));
    }

    void recordLatency(long nanos) {
        recordLatencyMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(Math.max(0, nanos)));
    }

    ProducerMetrics snapshot(long bufferedRecords, long bufferedBytes, int inFlightRequests,
                             long partitionKeyFallbacks) {
        Map<FailureReason, Long> byReason = new EnumMap<>(FailureReason.class);
        long failed = 0;
        for (FailureReason reason : FailureReason.values()) {
            long n = failures[reason.ordinal()].sum();
            byReason.put(reason, n);
            failed += n;
        }
        return new ProducerMetrics(
                recordsAccepted.sum(), recordsAcknowledged.sum(), failed, byReason,
                bytesAccepted.sum(), bytesAcknowledged.sum(),
                putRequests.sum(), failedPutRequests.sum(), recordRetries.sum(),
                bufferFullRejections.sum(), partitionKeyFallbacks,
                bufferedRecords, bufferedBytes, inFlightRequests,
                ProducerMetrics.Latency.of(putLatencyMicros), ProducerMetrics.Latency.of(recordLatencyMicros));
    }
}
