package io.rtpipe.consumer;

import io.rtpipe.connectors.dynamodb.ProgressStore;
import io.rtpipe.connectors.dynamodb.ResultsSink;
import io.rtpipe.connectors.s3.S3IntervalSink;

import java.util.Objects;

/** Where a shard's work becomes durable: interval objects (S3), window partials and shard progress (DynamoDB). */
record ShardOutputs(S3IntervalSink intervals, ResultsSink results, ProgressStore progress) {
    ShardOutputs {
        Objects.requireNonNull(intervals, "intervals");
        Objects.requireNonNull(results, "results");
        Objects.requireNonNull(progress, "progress");
    }
}
