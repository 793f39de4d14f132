package io.rtpipe.lambda.autoscaler;

/**
 * Publishes the open shard count as a metric: Kinesis has none, and the consumer service scales its task count on
 * it (one KCL worker per few shards).
 */
@FunctionalInterface
public interface ShardCountPublisher {

    void publish(String streamName, int openShards);
}
