package io.rtpipe.core.budget;

import io.rtpipe.core.aggregate.StateSize;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.metric.WindowSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static io.rtpipe.core.aggregate.StateSize.saturatedAdd;
import static io.rtpipe.core.aggregate.StateSize.saturatedMultiply;

/**
 * The worst-case heap of one metric's window state on one shard, and what it is made of (docs/metrics.md, *Memory
 * budget*). Open windows at once (tumbling: 1 + ⌈lateness / size⌉; hopping: size / slide + ⌈lateness / slide⌉;
 * sessions: the 2 + ⌈lateness / gap⌉ gap-long slices whose keys can still have an open session; stagger windows the
 * same with size-long slices) times the keys a window admits (max_keys_per_window, plus the overflow key) bound the
 * key-windows; so do the values open windows can hold at the assumed rate (events in size + lateness of event time,
 * sessions: max_length + lateness, stagger: the shorter of size and max_length + lateness, times the
 * windows each event is in), since a key-window needs one. Each key-window costs {@link #KEY_WINDOW_BYTES} plus its
 * key's values; each aggregate states its own bound ({@link io.rtpipe.core.aggregate.Aggregator#stateSize}), summed
 * over the key-windows and the values; dedup holds an id per value.
 *
 * @param keyWindows the most (window, key) entries open at once
 * @param keysCapped whether max_keys_per_window (not the event rate) sets {@code keyWindows}
 * @param parts      what the bytes are, largest first
 */
public record StateEstimate(String metric, long openWindows, long keysPerWindow, long values, long keyWindows,
                            boolean keysCapped, List<Part> parts) {

    /** A key-window's entry without its key values: map entry, pane, key object and state array. */
    public static final long KEY_WINDOW_BYTES = 256;
    /** Per group-by value of a key, besides its bytes: the string's and array's headers and reference. */
    public static final long KEY_VALUE_OVERHEAD = 40;
    /** Per dedup id, besides its bytes: the string's headers and its hash-set entry. */
    public static final long DEDUP_ID_OVERHEAD = 80;

    /**
     * One contributor to the estimate.
     *
     * @param label what it is: {@code keys}, {@code dedup ids} or an aggregate as {@code visitors = distinct(lg_k=19)}
     * @param knob  what a user lowers to shrink it, or empty
     */
    public record Part(String label, long bytes, String knob) {
    }

    public static StateEstimate of(MetricSpec metric, MemoryBudget budget) {
        WindowSpec windows = metric.windows();
        long lateness = metric.allowedLateness().toMillis();
        long open;
        long spanMillis;
        long windowsPerEvent = 1;
        if (windows instanceof TumblingWindows tumbling) {
            open = 1 + ceilDiv(lateness, tumbling.sizeMillis());
            spanMillis = tumbling.sizeMillis() + lateness;
        } else if (windows instanceof HoppingWindows hopping) {
            long slide = hopping.slide().toMillis();
            windowsPerEvent = hopping.windowsPerEvent();
            open = windowsPerEvent + ceilDiv(lateness, slide);
            spanMillis = hopping.sizeMillis() + lateness;
        } else if (windows instanceof StaggerWindows stagger) {
            open = 2 + ceilDiv(lateness, stagger.sliceMillis());
            spanMillis = Math.min(stagger.sizeMillis(), stagger.maxLengthMillis()) + lateness;
        } else {
            SessionWindows session = (SessionWindows) windows;
            open = 2 + ceilDiv(lateness, session.gapMillis());
            spanMillis = session.maxLengthMillis() + lateness;
        }
        long events = ceilDiv(saturatedMultiply(budget.eventsPerSecond(), spanMillis), 1000);
        long values = saturatedMultiply(events, windowsPerEvent);
        long keysPerWindow = metric.maxKeysPerWindow() + 1L;
        long capped = saturatedMultiply(open, keysPerWindow);
        long keyWindows = Math.min(capped, values);

        List<Part> parts = new ArrayList<>();
        long keyBytes = KEY_WINDOW_BYTES + metric.groupBy().size() * (KEY_VALUE_OVERHEAD + budget.valueBytes());
        parts.add(new Part("keys", saturatedMultiply(keyWindows, keyBytes), ""));
        for (AggregateSpec aggregate : metric.aggregates()) {
            StateSize size = aggregate.aggregator().stateSize(budget.valueBytes());
            String knob = aggregate.params().keySet().stream()
                    .filter(aggregate.aggregator().sizeParameters()::contains)
                    .map(p -> p + " of " + aggregate.name()).collect(Collectors.joining(" or "));
            parts.add(new Part(label(aggregate), size.bound(keyWindows, values), knob));
        }
        if (metric.dedupField() != null) {
            parts.add(new Part("dedup ids", saturatedMultiply(values, DEDUP_ID_OVERHEAD + budget.valueBytes()), ""));
        }
        parts.sort(Comparator.comparingLong(Part::bytes).reversed());
        return new StateEstimate(metric.name(), open, keysPerWindow, values, keyWindows, capped <= values,
                List.copyOf(parts));
    }

    /** The estimate, in bytes ({@link Long#MAX_VALUE} if it overflows). */
    public long bytes() {
        long total = 0;
        for (Part part : parts) {
            total = saturatedAdd(total, part.bytes());
        }
        return total;
    }

    /**
     * What the estimate is made of, e.g. {@code 2 open windows × 100,001 keys = 200,002 key-windows, largest part
     * visitors = distinct(user_id, lg_k=19) 150 MB}, or with the rate as the bound {@code 65,000 key-windows (the
     * values 2 open windows hold at the assumed rate), ...}.
     */
    public String factors() {
        String windows = openWindows + " open window" + (openWindows == 1 ? "" : "s");
        String keys = keysCapped
                ? String.format(Locale.ROOT, "%s × %,d keys = %,d key-windows", windows, keysPerWindow, keyWindows)
                : String.format(Locale.ROOT, "%,d key-windows (the %,d values %s hold at the assumed rate)",
                keyWindows, values, windows);
        Part largest = parts.get(0);
        return keys + ", largest part " + largest.label() + " " + MemoryBudget.format(largest.bytes());
    }

    /** What would lower the estimate most, e.g. {@code lower max_keys_per_window or visitors' lg_k}. */
    public String remedy() {
        Part largest = parts.get(0);
        String bound = keysCapped && !largest.label().equals("dedup ids") ? "lower max_keys_per_window"
                : "shorten the window or allowed_lateness";
        return bound + (largest.knob().isEmpty() ? "" : " or lower " + largest.knob())
                + ", or raise memory_budget.per_shard";
    }

    private static String label(AggregateSpec aggregate) {
        List<String> arguments = new ArrayList<>();
        if (aggregate.field() != null) {
            arguments.add(aggregate.field().toString());
        }
        aggregate.params().forEach((key, value) -> arguments.add(key + "=" + value));
        return aggregate.name() + " = " + aggregate.fn()
                + (arguments.isEmpty() ? "" : "(" + String.join(", ", arguments) + ")");
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
