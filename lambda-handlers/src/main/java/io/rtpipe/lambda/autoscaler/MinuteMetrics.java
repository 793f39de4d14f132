package io.rtpipe.lambda.autoscaler;

import java.time.Instant;
import java.util.Objects;

/**
 * One minute of a stream's CloudWatch metrics, as the autoscaler sees them.
 *
 * @param minute           start of the minute
 * @param incomingBytes    bytes accepted by the stream in that minute ({@code IncomingBytes}, Sum)
 * @param incomingRecords  records accepted in that minute ({@code IncomingRecords}, Sum)
 * @param throttledRecords records rejected for exceeding shard limits ({@code WriteProvisionedThroughputExceeded}, Sum)
 * @param iteratorAgeMillis how far the slowest consumer lags ({@code GetRecords.IteratorAgeMilliseconds}, Maximum)
 */
public record MinuteMetrics(Instant minute, double incomingBytes, double incomingRecords, double throttledRecords,
                            double iteratorAgeMillis) {

    public MinuteMetrics {
        Objects.requireNonNull(minute, "minute");
        if (incomingBytes < 0 || incomingRecords < 0 || throttledRecords < 0 || iteratorAgeMillis < 0) {
            throw new IllegalArgumentException("metric values must not be negative: " + minute);
        }
    }

    /** A minute with no traffic (CloudWatch reports no datapoint for such minutes). */
    public static MinuteMetrics idle(Instant minute) {
        return new MinuteMetrics(minute, 0, 0, 0, 0);
    }

    /**
     * Records per second the producers tried to write: accepted plus throttled. Throttled puts are usually retried,
     * so this overestimates a little, which errs toward capacity.
     */
    public double demandRecordsPerSecond() {
        return (incomingRecords + throttledRecords) / 60.0;
    }

    /** Bytes per second the producers tried to write; throttled records are assumed to be of the average size. */
    public double demandBytesPerSecond() {
        if (incomingRecords == 0) {
            return incomingBytes / 60.0;
        }
        return incomingBytes / 60.0 * (incomingRecords + throttledRecords) / incomingRecords;
    }
}
