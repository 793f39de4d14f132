package io.rtpipe.consumer.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Generated events with controlled event times and types, and the ground truth the consumer must reproduce,
 * computed here without any rtpipe code.
 */
public final class TestEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final List<String> TYPES = List.of("click", "view", "purchase", "signup");

    /** One event: a type and its event time. */
    public record Event(String type, Instant ts) {
        public byte[] json() {
            try {
                return JSON.writeValueAsBytes(Map.of("type", type, "ts", ts.toEpochMilli(), "user", "u-" + ts.getNano()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** (window start, type): the ground-truth grouping of the default {@code events_per_minute} metric. */
    public record MinuteAndType(Instant minute, String type) implements Comparable<MinuteAndType> {
        @Override
        public int compareTo(MinuteAndType o) {
            int byMinute = minute.compareTo(o.minute);
            return byMinute != 0 ? byMinute : type.compareTo(o.type);
        }
    }

    private TestEvents() {
    }

    /**
     * {@code count} events spread evenly over {@code span} from {@code start}, event times non-decreasing in list
     * order (put order), so every shard sees them in time order and none is late; types drawn at random.
     */
    public static List<Event> generate(Instant start, Duration span, int count, long seed) {
        var random = new Random(seed);
        List<Event> events = new ArrayList<>(count);
        long stepMicros = span.toNanos() / 1000 / count;
        for (int i = 0; i < count; i++) {
            events.add(new Event(TYPES.get(random.nextInt(TYPES.size())),
                    start.plus(i * stepMicros, ChronoUnit.MICROS).truncatedTo(ChronoUnit.MILLIS)));
        }
        return events;
    }

    public static List<byte[]> payloads(List<Event> events) {
        return events.stream().map(Event::json).toList();
    }

    /** Count per type per one-minute tumbling window of event time. */
    public static Map<MinuteAndType, Long> countsPerMinute(List<Event> events) {
        Map<MinuteAndType, Long> counts = new TreeMap<>();
        for (Event e : events) {
            counts.merge(new MinuteAndType(e.ts().truncatedTo(ChronoUnit.MINUTES), e.type()), 1L, Long::sum);
        }
        return counts;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
