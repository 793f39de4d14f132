package io.rtpipe.lambda.analytics;

import io.rtpipe.connectors.dynamodb.CarriedMark;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.RecordPosition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one shard carries from one invocation to the next within a Lambda tumbling window: the aggregate partials of
 * the records folded in so far (not the records), and what the engine needs to judge lateness and redeliveries the
 * same way across invocations. Between Lambda windows the shard's highest event times ride in its fired-through
 * marks instead ({@link #resumed}, {@link #marks}), so the watermark runs on as the consumer's does. Immutable.
 *
 * @param firstPosition the first record folded into this state (null while empty): it names the state's partials
 *                      ({@link #partialId}), so rewriting them after a retry overwrites the same items
 * @param lastPosition  the last record folded in (null while empty): the engine ignores records at or before it
 * @param startTimes    per metric, the highest event time the Lambda window started from (read from the marks)
 * @param maxTimes      per metric, the highest event time so far, the start included (the watermark's base)
 * @param partials      per (metric, window, key), the partial values of the records folded in
 */
public record WindowState(RecordPosition firstPosition, RecordPosition lastPosition, Map<String, Long> startTimes,
                          Map<String, Long> maxTimes, Map<PartialKey, Map<String, Object>> partials) {

    /** One engine window and group key of one metric. */
    public record PartialKey(String metric, Instant windowStart, Instant windowEnd, Map<String, String> key) {
        public PartialKey {
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(windowStart, "windowStart");
            Objects.requireNonNull(windowEnd, "windowEnd");
            key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
        }
    }

    public WindowState {
        startTimes = Map.copyOf(startTimes);
        maxTimes = Map.copyOf(maxTimes);
        partials = Collections.unmodifiableMap(new LinkedHashMap<>(partials));
    }

    public static WindowState empty() {
        return new WindowState(null, null, Map.of(), Map.of(), Map.of());
    }

    /**
     * The state a Lambda window whose first record is {@code first} starts from: nothing folded in, the highest
     * event times of the shard's stored marks. A mark written by a run that started at {@code first} is this run's
     * own, stored before Lambda retried it: the run starts from the times that run started from, so it decides
     * (and writes) exactly what it did the first time.
     */
    public static WindowState resumed(Map<String, CarriedMark> marks, RecordPosition first) {
        Map<String, Long> times = new TreeMap<>();
        marks.forEach((metric, mark) -> {
            Long start = mark.runFirst().equals(first.toString()) ? mark.runStartMaxTime() : (Long) mark.maxTime();
            if (start != null) {
                times.put(metric, start);
            }
        });
        return new WindowState(null, null, times, times, Map.of());
    }

    /**
     * The marks to store once this state's results are written: per metric with a highest event time, its
     * fired-through time {@code firedThrough} (the watermark of {@link #maxTimes}) and the times to resume from.
     */
    public Map<String, CarriedMark> marks(Map<String, Long> firedThrough) {
        Map<String, CarriedMark> marks = new TreeMap<>();
        firedThrough.forEach((metric, through) -> marks.put(metric, new CarriedMark(through, maxTimes.get(metric),
                firstPosition.toString(), startTimes.get(metric))));
        return marks;
    }

    public boolean isEmpty() {
        return firstPosition == null;
    }

    /** Where a fresh engine resumes: after the last record folded in, with the same highest event times. */
    public ShardProgress engineProgress() {
        // No "fired" times: every window of the previous invocations is in the partials, none is written yet, so
        // the engine must count a record of such a window (unless it is late, which maxTimes decides).
        return new ShardProgress(lastPosition, maxTimes, Map.of());
    }

    /**
     * This state with one more batch folded in.
     *
     * @param batch    the engine's plan after {@code endOfInput()}: every record the batch added, its new progress
     * @param partials every result the engine fired for that batch
     */
    public WindowState plus(CheckpointPlan batch, List<WindowResult> partials, EngineConfig config) {
        Map<PartialKey, Map<String, Object>> merged = new LinkedHashMap<>(this.partials);
        for (WindowResult result : partials) {
            MetricSpec spec = config.metric(result.metric());
            var key = new PartialKey(result.metric(), result.windowStart(), result.windowEnd(), result.key());
            Map<String, Object> before = merged.get(key);
            if (before == null) {
                merged.put(key, result.values());
            } else {
                Map<String, Object> values = new LinkedHashMap<>(before);
                result.values().forEach((name, value) -> values.merge(name, value,
                        spec.aggregate(name).aggregator()::mergePartials));
                merged.put(key, values);
            }
        }
        Map<String, Long> times = new TreeMap<>(maxTimes);
        times.putAll(batch.progress().maxTimeAtCheckpoint());
        return new WindowState(firstPosition == null ? batch.firstPosition() : firstPosition, batch.checkpointAt(),
                startTimes, times, merged);
    }

    /**
     * The shard-partial identity of this state's results: {@code <shardId>@<first record>}. A Lambda window's
     * partials never overwrite another window's (an engine window can span several Lambda windows), and readers
     * merge them like partials of different shards.
     */
    public String partialId(String shardId) {
        if (firstPosition == null) {
            throw new IllegalStateException("an empty window state has no results");
        }
        return shardId + "@" + firstPosition;
    }

    /** The partials as results to upsert, named by {@link #partialId}. */
    public List<WindowResult> results(String shardId) {
        if (partials.isEmpty()) {
            return List.of();
        }
        String id = partialId(shardId);
        List<WindowResult> results = new ArrayList<>(partials.size());
        partials.forEach((key, values) -> results.add(
                new WindowResult(key.metric(), key.windowStart(), key.windowEnd(), key.key(), id, values)));
        return results;
    }
}
