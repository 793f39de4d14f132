package io.rtpipe.cli;

import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.producer.partition.PartitionKeySelector;
import io.rtpipe.producer.partition.PartitionRule;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * What {@code rtpipe produce} and {@code rtpipe local} share about producing: how records are keyed
 * ({@link PartitionRule}: the field the metrics de-duplicate on, else {@code event_id}; a field the user names; or
 * random keys when asked for) and whether they are aggregated.
 */
final class ProducerOptions {

    @Option(names = "--partition-key-field", paramLabel = "FIELD",
            description = "Top-level JSON field to use as partition key (default: the metrics' dedup field, else "
                    + "event_id, so copies of an event meet on one shard and count once; records without it get a "
                    + "random key).")
    String field;

    @Option(names = "--random-partition-keys", negatable = false,
            description = "A random partition key per record: even spread, but copies of an event (same id) may land "
                    + "on different shards and then count twice.")
    boolean random;

    @Option(names = "--no-aggregation", negatable = false,
            description = "Send one Kinesis record per event instead of KPL-format aggregated records.")
    boolean noAggregation;

    /** @throws CliException (exit 2) if both options are given */
    PartitionKeySelector selector(List<MetricSpec> metrics) {
        if (random && field != null) {
            throw new CliException("--random-partition-keys and --partition-key-field exclude each other");
        }
        return PartitionRule.selector(field, random, metrics);
    }
}
