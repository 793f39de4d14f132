package io.rtpipe.core.engine;

import io.rtpipe.core.aggregate.AggregateState;
import io.rtpipe.core.checkpoint.CheckpointPlanner;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.metric.KeyedWindows;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.record.InputRecord;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A metric with windows opened by its keys' events on one shard: session windows, and stagger windows (below).
 * An event at t spans [t, t + gap), cut at the next multiple of the maximum length ({@link SessionWindows#spanEnd});
 * it joins every open session of its key whose span overlaps its own, merging them into one [earliest t, latest
 * span end). A session fires when the watermark reaches its end.
 * <p>
 * Lateness depends on the event alone: an event is late iff its own span ends at or below the watermark (even if
 * an open session could still absorb it). That keeps every decision a function of the watermark, which a restored
 * engine replays identically. After a restart, a rebuilt session whose end is at or below the restored "written up
 * to" watermark is a session (or a fragment of one: its first records were before the checkpoint) that was written
 * in full before the restart, so it is not emitted again; every other session's records all come after the
 * checkpoint (the checkpoint rule keeps it before the first record of every open session), so it is rebuilt exactly.
 * <p>
 * The key cap is decided per <em>slice</em>: the gap-long interval of event time, aligned to the epoch, that holds
 * the event. A slice admits the first {@code maxKeys} keys of its accepted events in shard order; events of further
 * keys go to the overflow key's sessions. Which keys have an open session is no basis: after a restart, sessions that
 * began before the checkpoint are missing or rebuilt as fragments, so that set differs. A session keeps the checkpoint
 * before the first record of every slice within one gap of its events (the slices of every event it could merge
 * with), so the admission decisions of an open session's events, and of the events around them, replay exactly.
 * <p>
 * {@link StaggerWindows} share all of this but the joining: an event joins its key's open window holding t (the
 * earliest-starting, if disorder made windows overlap), or opens [t, span end); windows never merge or grow, and the
 * slices are size-long. Lateness is the sessions' rule (the span alone), so every window ends above the watermark it
 * opened at. A window's start depends on the key's other windows: rebuilt from a checkpoint inside one of them, a
 * fragment of it would start later, end later, and take events that opened or joined the next one. So a fired
 * window keeps holding the checkpoint before its first record ({@link #chains}) while an accepted event could still
 * open a window less than one size after its end (within its cut): until the watermark passes its end plus two sizes,
 * or its cut. Every window such an event opens closes before that, so the key's chain of windows is replayed from
 * its first one. Snapshots leave chains out: they only place checkpoints of the rule without snapshots.
 */
final class SessionState extends MetricState {
    private static final Comparator<Session> BY_END = Comparator.comparingLong((Session s) -> s.end)
            .thenComparingLong(s -> s.start).thenComparingLong(s -> s.sequence);

    private final KeyedWindows windows;
    /** Stagger windows (an event joins the window holding it) rather than sessions (spans that overlap merge). */
    private final boolean stagger;
    private final long slice;
    /** Open sessions per key (usually one; more when disorder leaves gaps between them). */
    private final Map<Object, List<Session>> byKey = new HashMap<>();
    /** Open sessions in firing order. */
    private final TreeSet<Session> byEnd = new TreeSet<>(BY_END);
    /** Slices an event may still be accepted in, by start. */
    private final TreeMap<Long, Slice> slices = new TreeMap<>();
    /** Stagger windows only: per key, its latest chain of fired windows. */
    private final Map<Object, Chain> chains = new HashMap<>();
    private long nextSequence;

    SessionState(MetricReader reader, long maxTimeAtCheckpoint, long maxTimeFired, long drainedThrough) {
        super(reader, maxTimeAtCheckpoint, maxTimeFired, drainedThrough);
        windows = (KeyedWindows) reader.spec().windows();
        stagger = windows instanceof StaggerWindows;
        slice = windows.sliceMillis();
    }

    @Override
    void add(long recordIndex, InputRecord record, EventFields fields, List<LateRecord> lateOut) {
        long t = reader.eventTime;
        // Cut at multiples of the maximum length: no span, hence no session, crosses one (spans never overlap there).
        long spanEnd = windows.spanEnd(t);
        if (spanEnd <= watermark() || t <= drainedThrough) { // a drain wrote every session up to its time
            lateOut.add(new LateRecord(record, name, Instant.ofEpochMilli(t)));
            late++;
            return;
        }
        Object key = admit(reader.key, t, recordIndex);
        long pin = pin(t);
        List<Session> sessions = byKey.computeIfAbsent(key, k -> new ArrayList<>(1));
        Session joined = stagger ? staggerWindow(key, t, spanEnd, pin, sessions) : sessionOf(t, spanEnd, sessions);
        if (joined == DUPLICATE) {
            duplicatesDropped++;
            return;
        }
        if (joined == null) {
            joined = new Session(key, t, spanEnd, pin, nextSequence++, reader.newStates(key, t));
            sessions.add(joined);
            byEnd.add(joined);
        } else if (!stagger && (t < joined.start || spanEnd > joined.end)) {
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
        joined.pinIndex = Math.min(joined.pinIndex, pin);
        joined.records++;
        reader.addTo(joined.states, fields, record.position());
    }

    /**
     * The session the event at {@code t} joins, its key's overlapping sessions merged into it; null if none overlaps,
     * {@link #DUPLICATE} if one holds the event's id.
     */
    private Session sessionOf(long t, long spanEnd, List<Session> sessions) {
        Session joined = null;
        List<Session> overlapping = null;
        for (Session session : sessions) {
            if (t < session.end && session.start < spanEnd) {
                if (holdsId(session)) {
                    return DUPLICATE;
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
        return joined;
    }

    /**
     * The key's open stagger window holding {@code t} (the earliest-starting one, if disorder made some overlap), or
     * {@link #DUPLICATE} if it holds the event's id; without one a new window [t, span end).
     */
    private Session staggerWindow(Object key, long t, long spanEnd, long pin, List<Session> windows) {
        Session holding = null;
        for (Session window : windows) {
            if (window.start <= t && t < window.end && (holding == null || window.start < holding.start)) {
                holding = window;
            }
        }
        if (holding != null) {
            return holdsId(holding) ? DUPLICATE : holding;
        }
        Session opened = new Session(key, t, spanEnd, pin, nextSequence++, reader.newStates(key, t));
        windows.add(opened);
        byEnd.add(opened);
        return opened;
    }

    private boolean holdsId(Session session) {
        return reader.id != null && session.ids != null && session.ids.contains(reader.id);
    }

    /** The key the event is aggregated under: its own if its slice admits it, else the overflow key. */
    private Object admit(Object key, long t, long recordIndex) {
        Slice at = slices.computeIfAbsent(Math.floorDiv(t, slice) * slice, start -> new Slice(recordIndex));
        if (at.keys.contains(key)) {
            return key;
        }
        if (at.keys.size() >= maxKeys) {
            overflowed++;
            return reader.overflowKey();
        }
        at.keys.add(key);
        return key;
    }

    /** The first record of the slices within one gap of {@code t}: where a replay must start to decide alike. */
    private long pin(long t) {
        long pin = CheckpointPlanner.NOTHING_OPEN;
        long from = Math.floorDiv(t - slice, slice) * slice;
        for (Slice near : slices.subMap(from, true, t + slice, true).values()) {
            pin = Math.min(pin, near.firstRecordIndex);
        }
        return pin;
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
        into.pinIndex = Math.min(into.pinIndex, other.pinIndex);
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
        // Events accepted from now on lie above watermark - gap, so pins look no lower than watermark - 3 gaps.
        while (!slices.isEmpty() && watermark != NO_TIME && slices.firstKey() + 3 * slice <= watermark) {
            slices.pollFirstEntry();
        }
        // Accepted events end their span above the watermark: from here on none opens a window that close to a chain.
        chains.values().removeIf(chain ->
                Math.min(chain.end + 2 * slice, windows.cutAfter(chain.end - 1)) <= watermark);
    }

    @Override
    void fireAll(List<WindowResult> out, String shardId) {
        while (!byEnd.isEmpty()) {
            fire(byEnd.pollFirst(), out, shardId);
        }
        slices.clear();
        chains.clear();
    }

    private void fire(Session session, List<WindowResult> out, String shardId) {
        List<Session> sessions = byKey.get(session.key);
        sessions.remove(session);
        if (sessions.isEmpty()) {
            byKey.remove(session.key);
        }
        if (stagger) {
            Chain chain = new Chain(session.end, session.pinIndex);
            Chain before = chains.get(session.key);
            boolean sameCut = before != null && windows.cutAfter(before.end - 1) == windows.cutAfter(session.end - 1);
            chains.put(session.key, sameCut ? before.then(chain) : chain);
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
            oldest = Math.min(oldest, session.pinIndex);
        }
        for (Chain chain : chains.values()) {
            oldest = Math.min(oldest, chain.pinIndex);
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

    @Override
    byte kind() {
        return StateSnapshot.SESSIONS;
    }

    @Override
    void write(DataOutputStream out) throws IOException {
        out.writeLong(nextSequence);
        out.writeInt(byEnd.size());
        for (Session session : byEnd) { // firing order: a function of the sessions alone
            out.writeLong(session.sequence);
            StateSnapshot.writeKey(out, reader, session.key);
            out.writeLong(session.start);
            out.writeLong(session.end);
            out.writeLong(session.records);
            StateSnapshot.writeStates(out, session.states);
            StateSnapshot.writeIds(out, session.ids);
        }
        out.writeInt(slices.size());
        for (Map.Entry<Long, Slice> slice : slices.entrySet()) {
            out.writeLong(slice.getKey());
            List<Object> keys = StateSnapshot.sortedKeys(slice.getValue().keys, reader);
            out.writeInt(keys.size());
            for (Object key : keys) {
                StateSnapshot.writeKey(out, reader, key);
            }
        }
    }

    @Override
    void read(DataInputStream in) throws IOException {
        nextSequence = in.readLong();
        int sessions = in.readInt();
        for (int s = 0; s < sessions; s++) {
            long sequence = in.readLong();
            Object key = StateSnapshot.readKey(in, reader);
            long start = in.readLong();
            long end = in.readLong();
            long records = in.readLong();
            // Pinned just before this instance's first record: its records are behind the restored checkpoint.
            Session session = new Session(key, start, end, -1, sequence, StateSnapshot.readStates(in, reader));
            session.records = records;
            session.ids = StateSnapshot.readIds(in);
            byKey.computeIfAbsent(key, k -> new ArrayList<>(1)).add(session);
            byEnd.add(session);
        }
        // A key's sessions are listed in creation order (merges go through them in it), as before the snapshot.
        byKey.values().forEach(list -> list.sort(Comparator.comparingLong((Session session) -> session.sequence)));
        int sliceCount = in.readInt();
        for (int s = 0; s < sliceCount; s++) {
            long start = in.readLong();
            Slice slice = new Slice(-1);
            int keys = in.readInt();
            for (int k = 0; k < keys; k++) {
                slice.keys.add(StateSnapshot.readKey(in, reader));
            }
            slices.put(start, slice);
        }
    }

    /** A key's fired stagger windows within one cut: the latest end, and the earliest checkpoint they kept. */
    private record Chain(long end, long pinIndex) {
        Chain then(Chain later) {
            return new Chain(Math.max(end, later.end), Math.min(pinIndex, later.pinIndex));
        }
    }

    /** The keys one slice of event time admitted, and its first record. */
    private static final class Slice {
        final long firstRecordIndex;
        final HashSet<Object> keys = new HashSet<>();

        Slice(long firstRecordIndex) {
            this.firstRecordIndex = firstRecordIndex;
        }
    }

    /** Marks an event whose id its window already holds. */
    private static final Session DUPLICATE = new Session(null, 0, 0, 0, -1, new AggregateState[0]);

    /** One open session of one key. */
    private static final class Session {
        final Object key;
        final long sequence;
        final AggregateState[] states;
        long start;
        long end;
        /** The checkpoint stays before this record: its own first one, or an earlier one of a slice near it. */
        long pinIndex;
        long records;
        HashSet<Object> ids;

        Session(Object key, long start, long end, long pinIndex, long sequence, AggregateState[] states) {
            this.key = key;
            this.start = start;
            this.end = end;
            this.pinIndex = pinIndex;
            this.sequence = sequence;
            this.states = states;
        }
    }
}
