package io.rtpipe.consumer.outputs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The notifications {@link OrderWindows}' alert must send, worked out here apart from the code under test: per type,
 * the first window of each throttle slot (slots of {@code throttle} from the epoch; every window without one) whose
 * count is above the threshold, as "window type" strings.
 */
final class Crossings {

    private Crossings() {
    }

    static List<String> expected(int windows, Duration throttle) {
        List<String> expected = new ArrayList<>();
        Set<String> slotsTaken = new HashSet<>();
        long slotMillis = throttle.isZero() ? OrderWindows.WINDOW.toMillis() : throttle.toMillis();
        for (int window = 0; window < windows; window++) {
            for (String type : OrderWindows.TYPES) {
                long slot = OrderWindows.start(window).toEpochMilli() / slotMillis;
                if (OrderWindows.count(window, type) > OrderWindows.THRESHOLD && slotsTaken.add(type + " " + slot)) {
                    expected.add(window + " " + type);
                }
            }
        }
        return expected;
    }
}
