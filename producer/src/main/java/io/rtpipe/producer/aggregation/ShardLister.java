package io.rtpipe.producer.aggregation;

import java.util.List;

/** Lists a stream's open shards (ListShards); {@link io.rtpipe.producer.kinesis.KinesisBatchProducer} is one. */
@FunctionalInterface
public interface ShardLister {

    /**
     * @return the open shards: those without an ending sequence number, which together own every hash key
     * @throws RuntimeException when the call fails (the message says why)
     */
    List<ShardRange> openShards();
}
