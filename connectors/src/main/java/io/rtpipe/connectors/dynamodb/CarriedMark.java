package io.rtpipe.connectors.dynamodb;

import java.util.Objects;

/**
 * A shard's fired-through mark of one metric together with what a writer that keeps no engine between runs (the
 * Lambda handler, whose engine lives for one tumbling window) needs to resume the shard's watermark from it. Stored
 * in the mark's own item ({@link ResultsTable}), so the mark and the times it was computed from are replaced
 * together.
 *
 * @param firedThrough    the mark: every window of the metric ending at or before it has fired on the shard and is
 *                        written
 * @param maxTime         the shard's highest event time of the metric when the mark was computed (the watermark's
 *                        base)
 * @param runFirst        the first record of the run that wrote the mark (a {@code RecordPosition}'s text)
 * @param runStartMaxTime the highest event time that run started from, null if it started from none: a retry of the
 *                        same run (same first record) must start from it again, not from {@code maxTime}, or it
 *                        would judge its own records late
 */
public record CarriedMark(long firedThrough, long maxTime, String runFirst, Long runStartMaxTime) {
    public CarriedMark {
        Objects.requireNonNull(runFirst, "runFirst");
    }
}
