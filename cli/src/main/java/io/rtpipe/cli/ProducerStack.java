package io.rtpipe.cli;

import io.rtpipe.connectors.aws.AwsClients;
import io.rtpipe.producer.RecordProducer;
import io.rtpipe.producer.aggregation.AggregatingProducer;
import io.rtpipe.producer.aggregation.AggregationConfig;
import io.rtpipe.producer.kinesis.KinesisBatchProducer;
import io.rtpipe.producer.kinesis.ProducerConfig;

/**
 * The producer {@code rtpipe produce} and {@code rtpipe local} send with, built in one place so the local run proves
 * the production path: the batch producer, with KPL-format aggregation in front of it unless turned off (one ordered
 * lane per shard, so each shard gets its events in input order).
 *
 * @param kinesis  the batch producer (its counters are in Kinesis records)
 * @param producer what sources send to: the aggregating producer around {@code kinesis}, or {@code kinesis} itself;
 *                 closing it closes both
 */
public record ProducerStack(KinesisBatchProducer kinesis, RecordProducer producer) {

    /** @param aggregation how events are packed, or null to send one Kinesis record per event */
    public static ProducerStack open(AwsClients clients, ProducerConfig config, AggregationConfig aggregation) {
        KinesisBatchProducer kinesis = KinesisBatchProducer.create(clients, config);
        if (aggregation == null) {
            return new ProducerStack(kinesis, kinesis);
        }
        try {
            return new ProducerStack(kinesis, AggregatingProducer.wrap(kinesis, aggregation));
        } catch (RuntimeException e) {
            kinesis.close(); // the shards could not be listed: nothing was sent yet
            throw e;
        }
    }
}
