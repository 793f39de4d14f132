package io.rtpipe.cli.local;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the built-in {@code events_per_minute} metric should report for the records a stream holds, worked out with
 * plain code of its own (not the engine's) so {@code rtpipe local} can check the pipeline against it.
 *
 * <p>Which records are valid events: {@link BuiltinEventRules}. Copies of one event (same {@code event_id}, as producer retries make them) count once; an
 * event counts in its type's one-minute window unless every copy of it arrived late.
 */
final class GroundTruth {

    /** One cell of the expected table: an event type in the minute starting at {@code windowStart}. */
    record Cell(String type, Instant windowStart) implements Comparable<Cell> {
        @Override
        public int compareTo(Cell o) {
            int byTime = windowStart.compareTo(o.windowStart);
            return byTime != 0 ? byTime : type.compareTo(o.type);
        }
    }

    /** A valid event: where it counts and what identifies its copies. */
    record Event(Cell cell, String id) {}

    private static final long MINUTE = 60_000L;

    private GroundTruth() {
    }

    /**
     * The valid event a record holds, or null if it is invalid.
     *
     * @param fallbackId identifies the event when it has no string {@code event_id} (then it has no copies)
     */
    static Event parse(StreamReader.StoredRecord record, String fallbackId) {
        BuiltinEventRules.ValidEvent event = BuiltinEventRules.parse(record.data(), record.arrivalMillis());
        if (event == null) {
            return null;
        }
        Cell cell = new Cell(event.type(), Instant.ofEpochMilli(Math.floorDiv(event.ts(), MINUTE) * MINUTE));
        return new Event(cell, event.id() != null ? event.id() : fallbackId);
    }

    /**
     * Expected count per cell: the distinct events with at least one copy that was not late.
     *
     * @param records every record the stream holds
     * @param late    the records the pipeline reported late for this metric
     */
    static TreeMap<Cell, Long> expectedCounts(Collection<StreamReader.StoredRecord> records,
                                              Set<StreamReader.Address> late) {
        Map<Cell, Set<String>> counted = new HashMap<>();
        for (StreamReader.StoredRecord record : records) {
            Event event = parse(record, record.address().toString());
            if (event != null && !late.contains(record.address())) {
                counted.computeIfAbsent(event.cell(), c -> new HashSet<>()).add(event.id());
            }
        }
        TreeMap<Cell, Long> expected = new TreeMap<>();
        counted.forEach((cell, ids) -> expected.put(cell, (long) ids.size()));
        return expected;
    }
}
