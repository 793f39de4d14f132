package io.rtpipe.connectors.s3;

import io.rtpipe.core.record.RecordPosition;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The S3 key layout of interval objects:
 * {@code <kind>/<stream>/dt=YYYY-MM-DD/hr=HH/<shardId>/<sequence>[_<subSequence>].jsonl.gz}.
 *
 * <p>Every part is a function of the interval's first record (its position, and its arrival time in UTC for the
 * Hive-style {@code dt}/{@code hr} partitions), never of the wall clock, so a replay of the same interval after a
 * crash writes the same key and overwrites instead of duplicating.
 */
public final class IntervalObjectKeys {

    /**
     * The shard segment of dead letters no shard holds: input lines too long to be sent as a Kinesis record (no
     * Kinesis shard id can be this name).
     */
    public static final String UNSENT = "unsent";

    private static final DateTimeFormatter PARTITION =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hr='HH").withZone(ZoneOffset.UTC);

    private IntervalObjectKeys() {
    }

    /**
     * @param firstRecord        position of the interval's first record
     * @param firstRecordArrival that record's approximate arrival time
     */
    public static String key(IntervalKind kind, String stream, String shardId, RecordPosition firstRecord,
                             Instant firstRecordArrival) {
        Objects.requireNonNull(kind, "kind");
        requireSafeSegment(stream, "stream");
        requireSafeSegment(shardId, "shardId");
        String name = firstRecord.subSequenceNumber() == 0
                ? firstRecord.sequenceNumber()
                : firstRecord.sequenceNumber() + "_" + firstRecord.subSequenceNumber();
        return kind.prefix() + "/" + stream + "/" + PARTITION.format(firstRecordArrival) + "/" + shardId + "/" + name
                + ".jsonl.gz";
    }

    private static void requireSafeSegment(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.contains("/")) {
            throw new IllegalArgumentException(what + " must be a non-empty name without '/', got '" + value + "'");
        }
    }
}
