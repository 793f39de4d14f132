package io.rtpipe.cli;

import io.rtpipe.producer.FailureReason;
import io.rtpipe.producer.ProducerMetrics;
import io.rtpipe.producer.source.LineSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The sentences {@code rtpipe produce} and {@code rtpipe local} print when records failed: how many, and why. */
public final class FailureSummary {

    private FailureSummary() {
    }

    /** E.g. "11,001 of 20,455 events failed and are not in the stream: 11,001 TTL_EXPIRED (not acknowledged ...)." */
    public static String sentence(ProducerMetrics metrics) {
        List<String> reasons = new ArrayList<>();
        for (Map.Entry<FailureReason, Long> e : metrics.failuresByReason().entrySet()) {
            if (e.getValue() > 0) {
                reasons.add(String.format("%,d %s (%s)", e.getValue(), e.getKey(), e.getKey().description()));
            }
        }
        return String.format("%,d of %,d events failed and are not in the stream: %s.", metrics.recordsFailed(),
                metrics.recordsAccepted() + rejectedBeforeBuffering(metrics), String.join(", ", reasons));
    }

    /** E.g. "2 lines longer than 1,000,000 bytes were not sent: Kinesis takes at most 1 MiB per record." */
    public static String skippedLines(LineSource lines) {
        return String.format("%,d %s longer than %,d bytes %s not sent: Kinesis takes at most 1 MiB per record.",
                lines.skipped(), lines.skipped() == 1 ? "line" : "lines", lines.maxLineBytes(),
                lines.skipped() == 1 ? "was" : "were");
    }

    /** Records refused in send (too large, bad key) count as failed but were never accepted. */
    private static long rejectedBeforeBuffering(ProducerMetrics m) {
        return m.failuresByReason().getOrDefault(FailureReason.RECORD_TOO_LARGE, 0L)
                + m.failuresByReason().getOrDefault(FailureReason.INVALID_PARTITION_KEY, 0L);
    }
}
