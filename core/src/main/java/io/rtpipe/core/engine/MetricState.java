package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.CheckpointPlanner;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.KeyedWindows;
import io.rtpipe.core.record.InputRecord;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/** One metric's state on one shard: its watermark, its open windows and its counters. */
abstract class MetricState {
    static final long NO_TIME = CheckpointPlanner.NO_TIME;

    final MetricReader reader;
    final String name;
    final long lateness;
    final int maxKeys;
    long maxTime;
    /** From the restored progress: windows ending at or below this minus lateness were already written. */
    final long restoredMaxTimeFired;
    /** From the restored progress: windows starting at or before this were written as final by a drain. */
    final long drainedThrough;

    long late;
    long replaySkipped;
    long duplicatesDropped;
    long overflowed;
    long windowsFired;
    long resultsFired;

    MetricState(MetricReader reader, long maxTimeAtCheckpoint, long maxTimeFired, long drainedThrough) {
        this.reader = reader;
        this.name = reader.spec().name();
        this.lateness = reader.spec().allowedLateness().toMillis();
        this.maxKeys = reader.spec().maxKeysPerWindow();
        this.maxTime = maxTimeAtCheckpoint;
        this.restoredMaxTimeFired = maxTimeFired;
        this.drainedThrough = drainedThrough;
    }

    static MetricState of(MetricReader reader, long maxTimeAtCheckpoint, long maxTimeFired, long drainedThrough) {
        MetricSpec spec = reader.spec();
        return spec.windows() instanceof KeyedWindows
                ? new SessionState(reader, maxTimeAtCheckpoint, maxTimeFired, drainedThrough)
                : new FixedWindowState(reader, maxTimeAtCheckpoint, maxTimeFired, drainedThrough);
    }

    /** What a drain now would record: the drained-through time after it (NO_TIME if no event ever). */
    long drainedThroughAfterDrain() {
        return Math.max(drainedThrough, maxTime);
    }

    static long watermark(long time, long lateness) {
        return time == NO_TIME ? NO_TIME : time - lateness;
    }

    /** The watermark now (NO_TIME before the first event). */
    long watermark() {
        return watermark(maxTime, lateness);
    }

    /** Windows ending at or below this were written before the restart this engine resumed from. */
    long writtenUpTo() {
        return watermark(restoredMaxTimeFired, lateness);
    }

    /** The highest event time at which every window written so far had fired (NO_TIME if none). */
    long maxTimeFired() {
        return Math.max(maxTime, restoredMaxTimeFired);
    }

    /**
     * Adds the event the reader last read to its windows (or reports it late), then advances the highest event time.
     * Lateness is judged against the watermark before this event.
     */
    final void accept(long recordIndex, InputRecord record, EventFields fields, List<LateRecord> lateOut) {
        add(recordIndex, record, fields, lateOut);
        observe(reader.eventTime);
    }

    /** Advances the highest event time to {@code eventTime} if it is higher (also for records the metric does not take). */
    final void observe(long eventTime) {
        if (eventTime > maxTime) {
            maxTime = eventTime;
        }
    }

    abstract void add(long recordIndex, InputRecord record, EventFields fields, List<LateRecord> lateOut);

    /** Fires every open window whose end the watermark has reached. */
    abstract void fireReady(List<WindowResult> out, String shardId);

    /** Fires every open window (the input is complete). */
    abstract void fireAll(List<WindowResult> out, String shardId);

    /** The local index of the first record of the oldest open window, or NOTHING_OPEN. */
    abstract long oldestOpenRecordIndex();

    abstract int openWindows();

    /** Group keys held across open windows. */
    abstract long keysInState();

    /** Event ids held for de-duplication across open windows. */
    abstract long dedupIds();

    /** This metric's block kind in a {@link StateSnapshot}. */
    abstract byte kind();

    /** Writes the open state (windows, their keys' states and ids, key-cap admissions) as a snapshot block. */
    abstract void write(DataOutputStream out) throws IOException;

    /** Restores the open state a {@link #write} wrote, into a state that holds none yet. */
    abstract void read(DataInputStream in) throws IOException;
}
