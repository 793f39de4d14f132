package io.rtpipe.lambda.analytics;

import io.rtpipe.connectors.dynamodb.CarriedMark;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.engine.WindowResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory outputs keyed like the real sinks (S3 objects by stream, shard and first record; results items by
 * metric, window, key and partial id; marks by shard and metric), so a rewrite overwrites; can be told to fail, as
 * a sink outage would.
 */
final class RecordingOutputs implements AnalyticsOutputs {

    final Map<String, CheckpointPlan> intervals = new LinkedHashMap<>();
    final Map<String, WindowResult> results = new LinkedHashMap<>();
    /** Per shard, its marks by metric. */
    final Map<String, Map<String, CarriedMark>> marks = new LinkedHashMap<>();
    final List<String> writes = new ArrayList<>();
    boolean failIntervals;
    boolean failResults;

    @Override
    public List<String> writeInterval(String stream, String shardId, CheckpointPlan interval) {
        if (failIntervals) {
            throw new SinkWriteException("S3 is down (test)", new RuntimeException("down"));
        }
        String key = stream + "/" + shardId + "/" + interval.firstPosition();
        intervals.put(key, interval);
        writes.add("interval " + key);
        return List.of(key);
    }

    @Override
    public void writeResults(List<WindowResult> partials) {
        if (failResults) {
            throw new SinkWriteException("DynamoDB is down (test)", new RuntimeException("down"));
        }
        for (WindowResult r : partials) {
            results.put(r.metric() + "|" + r.windowStart() + "|" + r.key() + "|" + r.shardId(), r);
        }
        writes.add("results " + partials.size());
    }

    @Override
    public void writeMarks(String shardId, Map<String, CarriedMark> written) {
        if (failResults) {
            throw new SinkWriteException("DynamoDB is down (test)", new RuntimeException("down"));
        }
        marks.computeIfAbsent(shardId, s -> new LinkedHashMap<>()).putAll(written);
        writes.add("marks " + written.size());
    }

    @Override
    public Map<String, CarriedMark> readMarks(String shardId) {
        if (failResults) {
            throw new SinkWriteException("DynamoDB is down (test)", new RuntimeException("down"));
        }
        return Map.copyOf(marks.getOrDefault(shardId, Map.of()));
    }
}
