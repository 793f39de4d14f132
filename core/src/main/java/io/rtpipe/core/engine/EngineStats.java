package io.rtpipe.core.engine;

/**
 * Counters of one {@link ShardEngine} instance (since it was created; a restored engine starts from zero).
 *
 * @param recordsProcessed    records taken in by {@link ShardEngine#process} (not counting ignored redeliveries)
 * @param redeliveriesIgnored records ignored because their position was not after the last one seen
 * @param deadLettered        records that became dead letters
 * @param lateRecords         late outputs (one per record, metric and fired window it belonged to)
 * @param replaySkipped       replayed record-windows skipped because that window was already written before a restart
 * @param duplicatesDropped   record-windows dropped because the window already took the record's event id
 * @param overflowed          record-windows aggregated under the overflow key because their window (session metric: the
 *                            event's gap-long slice of event time) already held the maximum number of keys
 *                            ({@code MetricSpec.maxKeysPerWindow})
 * @param windowsFired        (metric, window) pairs fired
 * @param resultsFired        window results fired (one per window and group key)
 * @param openWindows         (metric, window) pairs currently open
 * @param keysInState         group keys currently held across open windows
 * @param dedupIds            event ids held for de-duplication across open windows (one set per open window;
 *                            roughly 100 bytes each for a 20-character id)
 * @param bufferedRecords     records held for the next checkpoint plans
 */
public record EngineStats(long recordsProcessed, long redeliveriesIgnored, long deadLettered, long lateRecords,
                          long replaySkipped, long duplicatesDropped, long overflowed, long windowsFired,
                          long resultsFired, int openWindows, long keysInState, long dedupIds, int bufferedRecords) {
}
