package io.rtpipe.core.engine;

import io.rtpipe.core.aggregate.AggregateState;
import io.rtpipe.core.checkpoint.CheckpointPlanner;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.record.InputRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A metric with session windows on one shard. An event at t spans [t, t + gap); it joins every open session of its
 * key whose span overlaps its own, merging them into one [earliest t, latest t + gap). A session fires when the
 * watermark reaches its end.
 * <p>
 * Lateness depends on the event alone: an event is late iff its own span ends at or below the watermark (even if
 * an open session could still absorb it). That keeps every decision a function of the watermark, which a restored
 * engine replays identically. After a restart, a rebuilt session whose end is at or below the restored "written up
 * to" watermark is a session (or a fragment of one: its first records were before the checkpoint) that was written
 * in full before the restart, so it is not emitted again; every other session's records all come after the
 * checkpoint (the checkpoint rule keeps it before the first record of every open session), so it is rebuilt exactly.
 */
final class SessionState extends MetricState {
    private static final Comparator<Session> BY_END = Comparator.comparingLong((Session s) -> s.end)
            .thenComparingLong(s -> s.start).thenComparingLong(s -> s.sequence);

    private final long gap;
    /** Open sessions per key (usually one; more when disorder leaves gaps between them). */
    private final Map<Object, List<Session>> byKey = new HashMap<>();
    /** Open sessions in firing order. */
    private final TreeSet<Session> byEnd = new TreeSet<>(BY_END);
    private long nextSequence;

    SessionState(MetricReader reader, long maxTimeAtCheckpoint, long maxTimeFired) {
        super(reader, maxTimeAtCheckpoint, maxTimeFired);
        gap = ((SessionWindows) reader.spec().windows()).gapMillis();
    }

    @Override
    void add(long recordIndex, InputRecord record, EventFields fields, List<LateRecord> lateOut) {
        long t = reader.eventTime;
        long spanEnd = t + gap;
        if (spanEnd <= watermark()) {
            lateOut.add(new LateRecord(record, name, Instant.ofEpochMilli(t)));
            late++;
            return;
        }
        Object key = reader.key;
        List<Session> sessions = byKey.get(key);
        if (sessions == null) {
            if (byKey.size() >= maxKeys) {
                overflowed++;
                key = reader.overflowKey();
                sessions = byKey.get(key);
            }
            if (sessions == null) {
                sessions = new ArrayList<>(1);
                byKey.put(key, sessions);
            }
        }
        Session joined = null;
        List<Session> overlapping = null;
        for (Session session : sessions) {
            if (t < session.end && session.start < spanEnd) {
                if (reader.id != null && session.ids != null && session.ids.contains(reader.id)) {
                    duplicatesDropped++;
                    return;
                }
                if (joined == null) {
                    joined = session;
                } else {
                    if (overlapping == null) {
                        overlapping = new ArrayList<>();
                    }
                    overlapping.add(session);
                }
            }
        }
        if (overlapping != null) {
            for (Session other : overlapping) {
                joined = merge(joined, other, sessions);
            }
        }
        if (joined == null) {
            joined = new Session(key, t, spanEnd, recordIndex, nextSequence++, reader.newStates());
            sessions.add(joined);
            byEnd.add(joined);
        } else if (t < joined.start || spanEnd > joined.end) {
            byEnd.remove(joined);
            joined.start = Math.min(joined.start, t);
            joined.end = Math.max(joined.end, spanEnd);
            byEnd.add(joined);
        }
        if (reader.id != null) {
            if (joined.ids == null) {
                joined.ids = new HashSet<>();
            }
            joined.ids.add(reader.id);
        }
        joined.records++;
        reader.addTo(joined.states, fields, record.position());
    }

    /** Merges two sessions of one key; the one created first absorbs the other and is returned. */
    private Session merge(Session into, Session other, List<Session> sessions) {
        if (other.sequence < into.sequence) {
            Session swap = into;
            into = other;
            other = swap;
        }
        byEnd.remove(into);
        byEnd.remove(other);
        sessions.remove(other);
        into.start = Math.min(into.start, other.start);
        into.end = Math.max(into.end, other.end);
        into.firstRecordIndex = Math.min(into.firstRecordIndex, other.firstRecordIndex);
        into.records += other.records;
        for (int a = 0; a < into.states.length; a++) {
            into.states[a].merge(other.states[a]);
        }
        if (other.ids != null) {
            if (into.ids == null) {
                into.ids = other.ids;
            } else {
                into.ids.addAll(other.ids);
            }
        }
        byEnd.add(into);
        return into;
    }

    @Override
    void fireReady(List<WindowResult> out, String shardId) {
        long watermark = watermark();
        while (!byEnd.isEmpty() && byEnd.first().end <= watermark) {
            fire(byEnd.pollFirst(), out, shardId);
        }
    }

    @Override
    void fireAll(List<WindowResult> out, String shardId) {
        while (!byEnd.isEmpty()) {
            fire(byEnd.pollFirst(), out, shardId);
        }
    }

    private void fire(Session session, List<WindowResult> out, String shardId) {
        List<Session> sessions = byKey.get(session.key);
        sessions.remove(session);
        if (sessions.isEmpty()) {
            byKey.remove(session.key);
        }
        if (session.end <= writtenUpTo()) {
            replaySkipped += session.records; // written in full before the restart
            return;
        }
        out.add(new WindowResult(name, Instant.ofEpochMilli(session.start), Instant.ofEpochMilli(session.end),
                reader.keyMap(session.key), shardId, reader.partials(session.states)));
        windowsFired++;
        resultsFired++;
    }

    @Override
    long oldestOpenRecordIndex() {
        long oldest = CheckpointPlanner.NOTHING_OPEN;
        for (Session session : byEnd) {
            oldest = Math.min(oldest, session.firstRecordIndex);
        }
        return oldest;
    }

    @Override
    int openWindows() {
        return byEnd.size();
    }

    @Override
    long keysInState() {
        return byKey.size();
    }

    @Override
    long dedupIds() {
        long ids = 0;
        for (Session session : byEnd) {
            ids += session.ids == null ? 0 : session.ids.size();
        }
        return ids;
    }

    /** One open session of one key. */
    private static final class Session {
        final Object key;
        final long sequence;
        final AggregateState[] states;
        long start;
        long end;
        long firstRecordIndex;
        long records;
        HashSet<Object> ids;

        Session(Object key, long start, long end, long firstRecordIndex, long sequence, AggregateState[] states) {
            this.key = key;
            this.start = start;
            this.end = end;
            this.firstRecordIndex = firstRecordIndex;
            this.sequence = sequence;
            this.states = states;
        }
    }
}
