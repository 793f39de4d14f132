package io.rtpipe.core.task;

import io.rtpipe.core.engine.WindowResult;

import java.util.List;
import java.util.Map;

/**
 * Where a {@link ShardTask} upserts fired window partials. Implementations write each result as an absolute value
 * under its (metric, window start, group key, shard) identity, so writing it again leaves the same item.
 */
public interface ResultsPort {

    /**
     * Writes every result durably before returning.
     *
     * @throws RuntimeException when some results may be unwritten: the task keeps all of them for its next attempt
     */
    void write(List<WindowResult> results);

    /**
     * Stores, per metric, the shard's "fired through" mark ({@code ShardEngine.firedThrough()}), replacing the
     * previous one: every window ending at or before it has fired on the shard and its partials are written (the
     * task calls this only after they are). Readers decide from these marks which windows are final. A port that
     * only collects partials for a writer of its own (the Lambda handler's) has nothing to store.
     *
     * @throws RuntimeException when a mark may be unstored: the task tries again on its next write
     */
    default void markFiredThrough(String shardId, Map<String, Long> firedThrough) {
    }
}
