package io.rtpipe.core.testing;

import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.task.ResultsPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The results table in memory: one item per (metric, window start, group key, shard), a write replaces it. A
 * replacement with a different value is recorded as a conflict (it would mean a replay was not deterministic).
 */
final class InMemoryResults implements ResultsPort {

    private final Faults faults;
    final Map<EngineTestDriver.ResultKey, WindowResult> items = new HashMap<>();
    final List<String> conflicts = new ArrayList<>();
    /** Per shard, its fired-through marks as last stored. */
    final Map<String, Map<String, Long>> marks = new HashMap<>();

    InMemoryResults(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void write(List<WindowResult> results) {
        faults.beforeWrite(CheckpointStep.RESULTS_WRITTEN);
        for (WindowResult result : results) {
            var key = EngineTestDriver.ResultKey.of(result);
            WindowResult before = items.put(key, result);
            if (before != null && !sameItem(before, result)) {
                conflicts.add("shard " + result.shardId() + " rewrote " + key + ": " + before.values() + " -> "
                        + result.values());
            }
        }
        faults.afterWrite(CheckpointStep.RESULTS_WRITTEN);
    }

    @Override
    public void markFiredThrough(String shardId, Map<String, Long> firedThrough) {
        marks.put(shardId, Map.copyOf(firedThrough));
    }

    /** Whether two writes carry the same item (sketch partials are byte arrays: compared by content). */
    private static boolean sameItem(WindowResult a, WindowResult b) {
        if (!a.metric().equals(b.metric()) || !a.windowStart().equals(b.windowStart())
                || !a.windowEnd().equals(b.windowEnd()) || !a.key().equals(b.key())
                || !a.values().keySet().equals(b.values().keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> value : a.values().entrySet()) {
            if (!Objects.deepEquals(value.getValue(), b.values().get(value.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
