package io.rtpipe.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code rtpipe local} expects the pipeline to compute, worked out from the events it produced with its own
 * plain code (not the engine's), so the run can check the pipeline's results against it: per event type and
 * one-minute window, how many valid events there were; and how many events were invalid.
 *
 * <p>Valid means what the built-in {@code events_per_minute} metric needs: a JSON object with an integral {@code ts}
 * (epoch millis, years 0001 to 9999) and a string {@code type}.
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

    private static final long MINUTE = 60_000L;
    /** Event times rtpipe accepts: years 0001 to 9999 (outside them a timestamp is surely a mistake). */
    private static final long MIN_TS = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX_TS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Cell, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder valid = new LongAdder();
    private final LongAdder invalid = new LongAdder();

    /** Records one event that Kinesis acknowledged. Thread-safe. */
    void add(byte[] event) {
        Cell cell = cellOf(event);
        if (cell == null) {
            invalid.increment();
        } else {
            valid.increment();
            counts.computeIfAbsent(cell, c -> new LongAdder()).increment();
        }
    }

    /** The cell an event counts in, or null if the event is invalid. */
    static Cell cellOf(byte[] event) {
        JsonNode node;
        try {
            node = JSON.readTree(event);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode ts = node.get("ts");
        JsonNode type = node.get("type");
        if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong() || type == null || !type.isTextual()) {
            return null;
        }
        if (ts.longValue() < MIN_TS || ts.longValue() > MAX_TS) {
            return null;
        }
        return new Cell(type.textValue(), Instant.ofEpochMilli(Math.floorDiv(ts.longValue(), MINUTE) * MINUTE));
    }

    SortedCounts counts() {
        TreeMap<Cell, Long> sorted = new TreeMap<>();
        counts.forEach((cell, n) -> sorted.put(cell, n.sum()));
        return new SortedCounts(sorted);
    }

    long valid() {
        return valid.sum();
    }

    long invalid() {
        return invalid.sum();
    }

    /** Expected counts in window order. */
    record SortedCounts(TreeMap<Cell, Long> byCell) {}
}
