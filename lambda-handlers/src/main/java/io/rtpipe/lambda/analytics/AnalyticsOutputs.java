package io.rtpipe.lambda.analytics;

import io.rtpipe.connectors.dynamodb.CarriedMark;
import io.rtpipe.connectors.dynamodb.ResultsSink;
import io.rtpipe.connectors.s3.S3IntervalSink;
import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;
import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.engine.WindowResult;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;
import java.util.Map;

/**
 * Where the handler's output goes, the same S3 and DynamoDB sinks as the KCL consumer, and where it reads back the
 * shard's marks, which carry its watermark from one Lambda window to the next.
 */
public interface AnalyticsOutputs {

    /**
     * Writes a batch's raw archive, dead letters and late records, keyed by its first record.
     *
     * @return the keys of the objects holding lines
     * @throws SinkWriteException when a write still fails after retries
     */
    List<String> writeInterval(String stream, String shardId, CheckpointPlan interval);

    /**
     * Upserts window partials (absolute values).
     *
     * @throws SinkWriteException when a write still fails after retries
     */
    void writeResults(List<WindowResult> results);

    /**
     * Replaces the shard's fired-through marks (written after the results they cover).
     *
     * @throws SinkWriteException when a write still fails after retries
     */
    void writeMarks(String shardId, Map<String, CarriedMark> marks);

    /**
     * Per metric, the shard's stored mark (absent: none yet).
     *
     * @throws SinkWriteException when a read still fails after retries
     */
    Map<String, CarriedMark> readMarks(String shardId);

    /** {@link S3IntervalSink} (one per stream name) and {@link ResultsSink}. */
    static AnalyticsOutputs sinks(S3Client s3, String bucket, ResultsSink results, RetryPolicy retry) {
        return new AnalyticsOutputs() {
            @Override
            public List<String> writeInterval(String stream, String shardId, CheckpointPlan interval) {
                return new S3IntervalSink(s3, bucket, stream, retry).write(shardId, interval);
            }

            @Override
            public void writeResults(List<WindowResult> partials) {
                results.write(partials);
            }

            @Override
            public void writeMarks(String shardId, Map<String, CarriedMark> marks) {
                results.storeCarriedMarks(shardId, marks);
            }

            @Override
            public Map<String, CarriedMark> readMarks(String shardId) {
                return results.carriedMarks(shardId);
            }
        };
    }
}
