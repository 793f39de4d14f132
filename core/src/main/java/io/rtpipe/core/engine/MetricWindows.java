package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.CheckpointPlanner;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.FieldKind;
import io.rtpipe.core.metric.Accumulator;
import io.rtpipe.core.metric.Aggregate;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.WindowAssigner;
import io.rtpipe.core.record.InputRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One metric's state on one shard: its watermark and open windows. */
final class MetricWindows {
    private static final long NO_TIME = CheckpointPlanner.NO_TIME;
    private static final Object GLOBAL_KEY = List.of();

    private final MetricSpec spec;
    private final String timestampField;
    private final int timestampSlot;
    private final String[] groupFields;
    private final int[] groupSlots;
    /** The dedup field's decoder slot, or -1 if this metric does not de-duplicate. */
    private final int dedupSlot;
    private final Aggregate[] aggregates;
    private final WindowAssigner windows;
    private final long windowSize;
    private final long lateness;

    private long maxTime;
    /** From the restored progress: windows ending at or below this minus lateness were already written. */
    private final long restoredMaxTimeFired;
    /** Open windows by start; fixed-size windows make start order equal end order. */
    private final TreeMap<Long, Pane> open = new TreeMap<>();
    private Pane lastPane;

    // The event just read by read(): valid until the next call.
    private long eventTime;
    private Object eventKey;
    /** The event's id for de-duplication (a String or a Long), or null. */
    private Object eventId;

    private long late;
    private long replaySkipped;
    private long duplicatesDropped;
    private long windowsFired;
    private long resultsFired;

    /** @param slots the decoder slot of every field name this metric reads */
    MetricWindows(MetricSpec spec, Map<String, Integer> slots, long maxTimeAtCheckpoint, long maxTimeFired) {
        this.spec = spec;
        if (spec.timestamp() instanceof TimestampSource.EventTimeField field) {
            timestampField = field.field();
            timestampSlot = slots.get(timestampField);
        } else {
            timestampField = null;
            timestampSlot = -1;
        }
        groupFields = spec.groupBy().toArray(String[]::new);
        groupSlots = Arrays.stream(groupFields).mapToInt(slots::get).toArray();
        dedupSlot = spec.dedupField() == null ? -1 : slots.get(spec.dedupField());
        aggregates = spec.aggregates().toArray(Aggregate[]::new);
        windows = spec.windows();
        windowSize = windows.sizeMillis();
        lateness = spec.allowedLateness().toMillis();
        maxTime = maxTimeAtCheckpoint;
        restoredMaxTimeFired = maxTimeFired;
    }

    /** The decoder fields this metric reads. */
    static List<String> fieldsRead(MetricSpec spec) {
        var fields = new ArrayList<String>();
        if (spec.timestamp() instanceof TimestampSource.EventTimeField field) {
            fields.add(field.field());
        }
        fields.addAll(spec.groupBy());
        if (spec.dedupField() != null) {
            fields.add(spec.dedupField());
        }
        return fields;
    }

    String name() {
        return spec.name();
    }

    long maxTime() {
        return maxTime;
    }

    /** The highest event time at which every window written so far had fired (NO_TIME if none). */
    long maxTimeFired() {
        return Math.max(maxTime, restoredMaxTimeFired);
    }

    private static long watermark(long time, long lateness) {
        return time == NO_TIME ? NO_TIME : time - lateness;
    }

    /**
     * Reads this metric's event time and group key from a decoded event.
     *
     * @return null if the event has them with the right types, else the dead-letter reason
     */
    String read(EventFields fields, InputRecord record) {
        if (timestampSlot < 0) {
            eventTime = record.arrivalMillis();
        } else {
            FieldKind kind = fields.kind(timestampSlot);
            if (kind == FieldKind.MISSING) {
                return timestampField + ": missing";
            }
            if (kind == FieldKind.INTEGER_TOO_LARGE) {
                return timestampField + ": " + fields.text(timestampSlot) + " is outside the supported epoch-millis "
                        + "range (years 0001 to 9999)";
            }
            if (kind != FieldKind.INTEGER) {
                return timestampField + ": expected an integer epoch-millis number, found " + kind.description();
            }
            eventTime = fields.longValue(timestampSlot);
        }
        if (eventTime < MetricSpec.MIN_EVENT_TIME || eventTime > MetricSpec.MAX_EVENT_TIME) {
            return (timestampField == null ? "arrival time" : timestampField) + ": " + eventTime
                    + " is outside the supported epoch-millis range (years 0001 to 9999)";
        }
        for (int i = 0; i < groupSlots.length; i++) {
            FieldKind kind = fields.kind(groupSlots[i]);
            if (kind == FieldKind.MISSING) {
                return groupFields[i] + ": missing";
            }
            if (kind != FieldKind.STRING) {
                return groupFields[i] + ": expected a string, found " + kind.description();
            }
        }
        eventKey = switch (groupSlots.length) {
            case 0 -> GLOBAL_KEY;
            case 1 -> fields.text(groupSlots[0]);
            default -> {
                String[] values = new String[groupSlots.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = fields.text(groupSlots[i]);
                }
                yield List.of(values);
            }
        };
        eventId = dedupSlot < 0 ? null : switch (fields.kind(dedupSlot)) {
            case STRING -> fields.text(dedupSlot);
            case INTEGER -> fields.longValue(dedupSlot);
            default -> null; // no usable id: never treated as a duplicate
        };
        return null;
    }

    /**
     * Adds the event last {@link #read} to its windows, or reports it late for windows that already fired, then
     * advances the highest event time. Lateness is judged against the watermark before this event; a late event's
     * time is below the highest time seen, so advancing first would not change the decision either.
     * <p>
     * De-duplication is decided per window: an event whose id an open window already took is dropped from that
     * window (not counted, not late, not a dead letter). Every record of an open window comes after the checkpoint,
     * so a replay rebuilds each window's ids exactly. A copy arriving after its window fired is late like any record.
     */
    void accept(long recordIndex, InputRecord record, EventFields fields, List<LateRecord> lateOut) {
        long watermark = watermark(maxTime, lateness);
        long writtenUpTo = watermark(restoredMaxTimeFired, lateness);
        for (int n = 0; n < windows.windowsPerEvent(); n++) {
            long start = windows.windowStart(eventTime, n);
            long end = start + windowSize;
            if (end <= watermark) {
                lateOut.add(new LateRecord(record, spec.name(), Instant.ofEpochMilli(start)));
                late++;
            } else if (end <= writtenUpTo) {
                replaySkipped++; // counted before the restart, in a window already written in full
            } else {
                Pane pane = pane(start, end, recordIndex);
                if (eventId != null && !pane.firstSight(eventId)) {
                    duplicatesDropped++;
                } else {
                    pane.add(eventKey, fields);
                }
            }
        }
        if (eventTime > maxTime) {
            maxTime = eventTime;
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

    /** Fires every open window whose end the watermark has reached. */
    void fireReady(List<WindowResult> out, String shardId) {
        long watermark = watermark(maxTime, lateness);
        while (!open.isEmpty() && open.firstEntry().getValue().end <= watermark) {
            fire(open.pollFirstEntry().getValue(), out, shardId);
        }
    }

    /** Fires every open window (the input is complete). */
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
        for (Map.Entry<Object, Accumulator[]> entry : pane.keys.entrySet()) {
            Map<String, Object> values = new LinkedHashMap<>();
            Accumulator[] accumulators = entry.getValue();
            for (int a = 0; a < aggregates.length; a++) {
                values.put(aggregates[a].name(), accumulators[a].partialValue());
            }
            out.add(new WindowResult(spec.name(), start, end, keyMap(entry.getKey()), shardId, values));
        }
        windowsFired++;
        resultsFired += pane.keys.size();
    }

    private Map<String, String> keyMap(Object key) {
        Map<String, String> map = new LinkedHashMap<>();
        if (groupFields.length == 1) {
            map.put(groupFields[0], (String) key);
        } else {
            List<?> values = (List<?>) key;
            for (int i = 0; i < groupFields.length; i++) {
                map.put(groupFields[i], (String) values.get(i));
            }
        }
        return map;
    }

    /** The local index of the first record of the oldest open window, or NOTHING_OPEN. */
    long oldestOpenRecordIndex() {
        long oldest = CheckpointPlanner.NOTHING_OPEN;
        for (Pane pane : open.values()) {
            oldest = Math.min(oldest, pane.firstRecordIndex);
        }
        return oldest;
    }

    int openWindows() {
        return open.size();
    }

    long keysInState() {
        long keys = 0;
        for (Pane pane : open.values()) {
            keys += pane.keys.size();
        }
        return keys;
    }

    /** Event ids held for de-duplication across open windows. */
    long dedupIds() {
        long ids = 0;
        for (Pane pane : open.values()) {
            ids += pane.ids == null ? 0 : pane.ids.size();
        }
        return ids;
    }

    long duplicatesDropped() {
        return duplicatesDropped;
    }

    long late() {
        return late;
    }

    long replaySkipped() {
        return replaySkipped;
    }

    long windowsFired() {
        return windowsFired;
    }

    long resultsFired() {
        return resultsFired;
    }

    /** One open window: its accumulators per group key (in first-seen order, so output order is deterministic). */
    private final class Pane {
        final long start;
        final long end;
        final long firstRecordIndex;
        final LinkedHashMap<Object, Accumulator[]> keys = new LinkedHashMap<>();
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

        void add(Object key, EventFields fields) {
            Accumulator[] accumulators = keys.get(key);
            if (accumulators == null) {
                accumulators = new Accumulator[aggregates.length];
                for (int a = 0; a < accumulators.length; a++) {
                    accumulators[a] = aggregates[a].newAccumulator();
                }
                keys.put(key, accumulators);
            }
            for (Accumulator accumulator : accumulators) {
                accumulator.add(fields);
            }
        }
    }
}
