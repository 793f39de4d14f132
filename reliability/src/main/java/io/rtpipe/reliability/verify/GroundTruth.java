package io.rtpipe.reliability.verify;


import io.rtpipe.cli.local.BuiltinEventRules;
import io.rtpipe.cli.local.BuiltinEventRules.ValidEvent;
import io.rtpipe.cli.local.StreamReader.Address;
import io.rtpipe.cli.local.StreamReader.StoredRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the built-in {@code events_per_minute} metric (count per {@code type} per one-minute window of {@code ts},
 * 5 s allowed lateness, copies of one {@code event_id} counted once) must report for the records a stream holds,
 * worked out with code of its own from the documented rules (docs/ENGINE.md), not with the engine.
 *
 * <p>Which records are valid events: {@link BuiltinEventRules} (every other record must be dead-lettered). A valid record is late when, on its shard and in the shard's order, the
 * highest {@code ts} of the valid records before it minus 5 s has reached its window's end.
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

    private static final long MINUTE = 60_000L;
    private static final long ALLOWED_LATENESS = 5_000L;

    private final Map<Cell, Set<String>> countedIds = new HashMap<>();
    private final Set<String> eventIds = new HashSet<>();
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
            Long highest = highestTsPerShard.get(record.address().shardId());
            if (highest != null && windowEnd <= highest - ALLOWED_LATENESS) {
                late.add(record.address());
            } else {
                Cell cell = new Cell(event.type(), Instant.ofEpochMilli(windowEnd - MINUTE));
                countedIds.computeIfAbsent(cell, c -> new HashSet<>())
                        .add(event.id() != null ? event.id() : record.address().toString());
            }
            highestTsPerShard.merge(record.address().shardId(), event.ts(), Math::max);
        }
    }

    /** Whether {@code data}, sent now, is a valid event by these rules (for checking a corpus's own labels). */
    public static boolean isValid(byte[] data) {
        return BuiltinEventRules.parse(data, System.currentTimeMillis()) != null;
    }

    /** Expected count per cell. */
    public Map<Cell, Long> expectedCounts() {
        Map<Cell, Long> expected = new HashMap<>();
        countedIds.forEach((cell, ids) -> expected.put(cell, (long) ids.size()));
        return expected;
    }

    /** The {@code event_id} of every valid record of the stream. */
    public Set<String> eventIds() {
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
