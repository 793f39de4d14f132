package io.rtpipe.testkit;

import io.rtpipe.testkit.BuiltinEventRules.ValidEvent;
import io.rtpipe.testkit.StreamReader.Address;
import io.rtpipe.testkit.StreamReader.StoredRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the built-in {@code events_per_minute} metric (count per {@code type} per one-minute window of {@code ts},
 * 5 s allowed lateness, copies of one {@code event_id} counted once) must report for the records a stream holds,
 * worked out with code of its own from the documented rules (docs/ENGINE.md), not with the engine.
 *
 * <p>Which records are valid events: {@link BuiltinEventRules} (every other record must be dead-lettered). A valid
 * record is late when, on its shard and in the shard's order, the highest {@code ts} of the valid records before it
 * minus 5 s has reached its window's end. Copies of one event (same {@code event_id}) count once, in their type's
 * window, unless every copy of it was late.
 *
 * <p>The one ground truth of the audits: the chaos suite's verifier counts with the lateness worked out here
 * ({@link #expectedCounts()}); {@code rtpipe local} checks its late records separately and counts with the ones the
 * pipeline reported ({@link #expectedCounts(Set)}).
 */
public final class GroundTruth {

    /** One cell of the result table: an event type in the minute starting at {@code windowStart}. */
    public record Cell(String type, Instant windowStart) implements Comparable<Cell> {
        @Override
        public int compareTo(Cell o) {
            int byTime = windowStart.compareTo(o.windowStart);
            return byTime != 0 ? byTime : type.compareTo(o.type);
        }
    }

    /** Where a valid record counts, and its event id (its address when it has none: then it has no copies). */
    private record Counted(Cell cell, Object id) {}

    private static final long MINUTE = 60_000L;
    private static final long ALLOWED_LATENESS = 5_000L;

    private final Map<Cell, Set<Object>> countedIds = new HashMap<>();
    /** Every valid record: where it counts and what identifies its copies. */
    private final Map<Address, Counted> valid = new LinkedHashMap<>();
    private final Set<Object> eventIds = new HashSet<>();
    private long copies;
    private final Set<Address> invalid = new HashSet<>();
    private final Set<Address> late = new HashSet<>();
    private final Map<Address, byte[]> all = new LinkedHashMap<>();

    /** @param records every record of the stream, each shard's records in sequence order */
    public GroundTruth(List<StoredRecord> records) {
        Map<String, Long> highestTsPerShard = new HashMap<>();
        for (StoredRecord record : records) {
            all.put(record.address(), record.data());
            ValidEvent event = BuiltinEventRules.parse(record.data(), record.arrivalMillis());
            if (event == null) {
                invalid.add(record.address());
                continue;
            }
            if (event.id() != null && !eventIds.add(event.id())) {
                copies++;
            }
            long windowEnd = Math.floorDiv(event.ts(), MINUTE) * MINUTE + MINUTE;
            Counted counted = new Counted(new Cell(event.type(), Instant.ofEpochMilli(windowEnd - MINUTE)),
                    event.id() != null ? event.id() : record.address());
            valid.put(record.address(), counted);
            Long highest = highestTsPerShard.get(record.address().shardId());
            if (highest != null && windowEnd <= highest - ALLOWED_LATENESS) {
                late.add(record.address());
            } else {
                countedIds.computeIfAbsent(counted.cell(), c -> new HashSet<>()).add(counted.id());
            }
            highestTsPerShard.merge(record.address().shardId(), event.ts(), Math::max);
        }
    }

    /** Whether {@code data}, sent now, is a valid event by these rules (for checking a corpus's own labels). */
    public static boolean isValid(byte[] data) {
        return BuiltinEventRules.parse(data, System.currentTimeMillis()) != null;
    }

    /** Expected count per cell, with the records late by these rules left out. */
    public TreeMap<Cell, Long> expectedCounts() {
        return sizes(countedIds);
    }

    /**
     * Expected count per cell, with the records the pipeline reported late left out (to check the counts apart from
     * the lateness decisions).
     */
    public TreeMap<Cell, Long> expectedCounts(Set<Address> reportedLate) {
        Map<Cell, Set<Object>> counted = new HashMap<>();
        valid.forEach((address, event) -> {
            if (!reportedLate.contains(address)) {
                counted.computeIfAbsent(event.cell(), c -> new HashSet<>()).add(event.id());
            }
        });
        return sizes(counted);
    }

    private static TreeMap<Cell, Long> sizes(Map<Cell, Set<Object>> idsPerCell) {
        TreeMap<Cell, Long> expected = new TreeMap<>();
        idsPerCell.forEach((cell, ids) -> expected.put(cell, (long) ids.size()));
        return expected;
    }

    /** The {@code event_id} of every valid record of the stream ({@link ValidEvent#id()}: a String or a Long). */
    public Set<Object> eventIds() {
        return eventIds;
    }

    /** Valid records whose {@code event_id} an earlier record already had (copies from retried puts). */
    public long copies() {
        return copies;
    }

    public Map<Address, byte[]> records() {
        return all;
    }

    public Set<Address> invalid() {
        return invalid;
    }

    public Set<Address> late() {
        return late;
    }
}
