package io.rtpipe.core.task;

import io.rtpipe.core.engine.WindowResult;

import java.util.List;

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
}
