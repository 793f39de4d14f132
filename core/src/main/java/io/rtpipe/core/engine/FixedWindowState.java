package io.rtpipe.core.engine;

import io.rtpipe.core.aggregate.AggregateState;
import io.rtpipe.core.checkpoint.CheckpointPlanner;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.metric.WindowAssigner;
import io.rtpipe.core.record.InputRecord;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A metric with fixed windows (tumbling or hopping) on one shard. An event belongs to every window containing its
 * time; for each, it is late (the window fired), skipped (the window was written before the restart), a duplicate
 * (the window already took its id), or added to the window's states for its key.
 * <p>
 * De-duplication is decided per window: every record of an open window comes after the checkpoint, so a replay
 * rebuilds each window's ids exactly. A copy arriving after its window fired is late like any record.
 */
final class FixedWindowState extends MetricState {
    private final WindowAssigner windows;
    private final long windowSize;
    /** Open windows by start; fixed-size windows make start order equal end order. */
    private final TreeMap<Long, Pane> open = new TreeMap<>();
    private Pane lastPane;

    FixedWindowState(MetricReader reader, long maxTimeAtCheckpoint, long maxTimeFired, long drainedThrough) {
        super(reader, maxTimeAtCheckpoint, maxTimeFired, drainedThrough);
        windows = (WindowAssigner) reader.spec().windows();
        windowSize = windows.sizeMillis();
    }

    @Override
    void add(long recordIndex, InputRecord record, EventFields fields, List<LateRecord> lateOut) {
        long watermark = watermark();
        long writtenUpTo = writtenUpTo();
        long eventTime = reader.eventTime;
        // n counts back from the latest window: the late ones (earliest ends) are the last n, reported as one range.
        long latestLate = NO_TIME;
        long earliestLate = NO_TIME;
        for (int n = 0; n < windows.windowsPerEvent(); n++) {
            long start = windows.windowStart(eventTime, n);
            long end = start + windowSize;
            if (end <= watermark || start <= drainedThrough) {
                latestLate = latestLate == NO_TIME ? start : latestLate;
                earliestLate = start;
            } else if (end <= writtenUpTo) {
                replaySkipped++; // counted before the restart, in a window already written in full
            } else {
                Pane pane = pane(start, end, recordIndex);
                if (reader.id != null && !pane.firstSight(reader.id)) {
                    duplicatesDropped++;
                } else {
                    reader.addTo(pane.states(reader.key), fields, record.position());
                }
            }
        }
        if (latestLate != NO_TIME) {
            lateOut.add(new LateRecord(record, name, Instant.ofEpochMilli(earliestLate),
                    Instant.ofEpochMilli(latestLate)));
            late++;
        }
    }

    private Pane pane(long start, long end, long recordIndex) {
        if (lastPane != null && lastPane.start == start) {
            return lastPane;
        }
        Pane pane = open.get(start);
        if (pane == null) {
            pane = new Pane(start, end, recordIndex);
            open.put(start, pane);
        }
        lastPane = pane;
        return pane;
    }

    @Override
    void fireReady(List<WindowResult> out, String shardId) {
        long watermark = watermark();
        while (!open.isEmpty() && open.firstEntry().getValue().end <= watermark) {
            fire(open.pollFirstEntry().getValue(), out, shardId);
        }
    }

    @Override
    void fireAll(List<WindowResult> out, String shardId) {
        while (!open.isEmpty()) {
            fire(open.pollFirstEntry().getValue(), out, shardId);
        }
    }

    private void fire(Pane pane, List<WindowResult> out, String shardId) {
        if (pane == lastPane) {
            lastPane = null;
        }
        Instant start = Instant.ofEpochMilli(pane.start);
        Instant end = Instant.ofEpochMilli(pane.end);
        for (Map.Entry<Object, AggregateState[]> entry : pane.keys.entrySet()) {
            out.add(new WindowResult(name, start, end, reader.keyMap(entry.getKey()), shardId,
                    reader.partials(entry.getValue())));
        }
        windowsFired++;
        resultsFired += pane.keys.size();
    }

    @Override
    long oldestOpenRecordIndex() {
        long oldest = CheckpointPlanner.NOTHING_OPEN;
        for (Pane pane : open.values()) {
            oldest = Math.min(oldest, pane.firstRecordIndex);
        }
        return oldest;
    }

    @Override
    int openWindows() {
        return open.size();
    }

    @Override
    long keysInState() {
        long keys = 0;
        for (Pane pane : open.values()) {
            keys += pane.keys.size();
        }
        return keys;
    }

    @Override
    long dedupIds() {
        long ids = 0;
        for (Pane pane : open.values()) {
            ids += pane.ids == null ? 0 : pane.ids.size();
        }
        return ids;
    }

    @Override
    byte kind() {
        return StateSnapshot.FIXED;
    }

    @Override
    void write(DataOutputStream out) throws IOException {
        out.writeInt(open.size());
        for (Pane pane : open.values()) {
            out.writeLong(pane.start);
            out.writeLong(pane.end);
            out.writeInt(pane.keys.size());
            for (Map.Entry<Object, AggregateState[]> entry : pane.keys.entrySet()) {
                StateSnapshot.writeKey(out, reader, entry.getKey());
                StateSnapshot.writeStates(out, entry.getValue());
            }
            StateSnapshot.writeIds(out, pane.ids);
        }
    }

    @Override
    void read(DataInputStream in) throws IOException {
        int panes = in.readInt();
        for (int p = 0; p < panes; p++) {
            // Its records are behind the restored checkpoint: the index just before this instance's first record.
            Pane pane = new Pane(in.readLong(), in.readLong(), -1);
            int keys = in.readInt();
            for (int k = 0; k < keys; k++) {
                Object key = StateSnapshot.readKey(in, reader);
                pane.keys.put(key, StateSnapshot.readStates(in, reader));
            }
            pane.ids = StateSnapshot.readIds(in);
            open.put(pane.start, pane);
        }
    }

    /** One open window: its states per group key (in first-seen order, so output order is deterministic). */
    private final class Pane {
        final long start;
        final long end;
        final long firstRecordIndex;
        final LinkedHashMap<Object, AggregateState[]> keys = new LinkedHashMap<>();
        /** The event ids this window took (for de-duplication); created on the first id. */
        HashSet<Object> ids;

        Pane(long start, long end, long firstRecordIndex) {
            this.start = start;
            this.end = end;
            this.firstRecordIndex = firstRecordIndex;
        }

        /** Remembers {@code id}; false if this window already took it. */
        boolean firstSight(Object id) {
            if (ids == null) {
                ids = new HashSet<>();
            }
            return ids.add(id);
        }

        /** The states of {@code key}, created if new; beyond the key cap, those of the overflow key. */
        AggregateState[] states(Object key) {
            AggregateState[] states = keys.get(key);
            if (states == null) {
                if (keys.size() >= maxKeys) {
                    overflowed++;
                    key = reader.overflowKey();
                    states = keys.get(key);
                }
                if (states == null) {
                    states = reader.newStates(key, start);
                    keys.put(key, states);
                }
            }
            return states;
        }
    }
}
