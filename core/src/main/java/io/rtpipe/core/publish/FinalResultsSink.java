package io.rtpipe.core.publish;

import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;

import java.time.Instant;
import java.util.List;

/**
 * Where a metric's final window results go once every shard has fired them: Parquet objects on S3, records on an
 * output stream, alerts. The publisher hands each sink a metric's final windows in start order, in ranges the sink
 * cuts, and hands the same range again when it crashed before recording that range as published; so a sink makes a
 * repeat change nothing (deterministic object keys and bytes, record ids consumers drop replays by, an alert ledger).
 */
public interface FinalResultsSink {
    /** A short stable name, for logs and the publisher's per-sink cursor ({@code parquet}, {@code outputs}). */
    String name();

    /**
     * Whether this sink publishes {@code metric} at all (an output sink only the metrics naming its kind): the
     * publisher reads no rows and keeps no cursor for the others.
     */
    default boolean takes(MetricSpec metric) {
        return true;
    }

    /**
     * The end of the range to publish now, given that the next window to publish starts at or after {@code from} and
     * that every window starting before {@code completeThrough} is final; {@code from} to wait for more. A sink that
     * writes one object per hour returns the last whole hour; the default takes every final window at once.
     */
    default Instant rangeEnd(Instant from, Instant completeThrough) {
        return completeThrough;
    }

    /**
     * Publishes the merged rows of every window of {@code metric} starting in {@code [from, to)}, all of them final
     * (an empty list when none had events). Throws to have the publisher retry the same range later.
     */
    void publish(MetricSpec metric, Instant from, Instant to, List<MergedResult> rows);
}
