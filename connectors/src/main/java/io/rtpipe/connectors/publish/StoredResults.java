package io.rtpipe.connectors.publish;

import io.rtpipe.connectors.aws.KinesisShards;
import io.rtpipe.connectors.dynamodb.ResultsQuery;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.publish.MergedRowsPort;
import io.rtpipe.core.publish.ShardMarks;
import io.rtpipe.core.publish.ShardMarksPort;
import io.rtpipe.core.result.MergedResult;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The publisher's view of the results table and the stream: merged rows through {@link ResultsQuery#merged} (as
 * {@code rtpipe query} reads them), marks through {@link ResultsQuery#firedThrough} over every shard Kinesis lists.
 */
public final class StoredResults implements MergedRowsPort, ShardMarksPort {

    private final ResultsQuery query;
    private final EngineConfig engine;
    private final KinesisAsyncClient kinesis;
    private final String stream;

    public StoredResults(ResultsQuery query, EngineConfig engine, KinesisAsyncClient kinesis, String stream) {
        this.query = Objects.requireNonNull(query, "query");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.kinesis = Objects.requireNonNull(kinesis, "kinesis");
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    @Override
    public ShardMarks marks(String metric) {
        // The marks before the shard list: a shard created in between has no mark and holds windows back.
        Map<String, Long> marks = query.firedThrough(metric);
        List<String> shards = KinesisShards.list(kinesis, stream).stream().map(Shard::shardId).toList();
        return new ShardMarks(shards, marks);
    }

    @Override
    public List<MergedResult> merged(MetricSpec metric, Instant from, Instant to) {
        return query.merged(engine, metric.name(), from, to, Map.of());
    }

    @Override
    public Optional<Instant> firstWindowStart(MetricSpec metric, Instant from, Instant to) {
        return query.firstWindowStart(metric.name(), from, to);
    }
}
