package io.rtpipe.deploytest;

import com.amazonaws.services.lambda.runtime.events.KinesisTimeWindowEvent;
import com.amazonaws.services.lambda.runtime.events.TimeWindowEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.TimeWindow;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.rtpipe.lambda.analytics.MappingEvents;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drives a handler the way a Kinesis event source mapping with the template's batch size and tumbling window would:
 * per shard, every record from the trim horizon in batches, the state carried from one invocation to the next, then
 * the window's final invocation without records. The whole input is one window per shard.
 */
final class MappingInvocations {

    private final int batchSize;
    /** The Lambda window of a tumbling mapping (null without one): the whole input. */
    private final TimeWindow window;

    MappingInvocations(int batchSize, boolean tumbling) {
        this.batchSize = batchSize;
        this.window = tumbling ? new TimeWindow(KnownEvents.T0.toString(), KnownEvents.END.toString()) : null;
    }

    /** Invokes {@code handler} over the whole stream; returns the batch item failures it reported. */
    List<String> invokeOverStream(RequestHandler<KinesisTimeWindowEvent, TimeWindowEventResponse> handler,
                                  KinesisAsyncClient kinesis, String streamArn) {
        String stream = streamArn.substring(streamArn.lastIndexOf('/') + 1);
        List<String> failures = new ArrayList<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).join().shards()) {
            List<Record> records = MappingEvents.readShard(kinesis, stream, shard.shardId());
            Map<String, String> state = Map.of();
            for (int from = 0; from < records.size(); from += batchSize) {
                var batch = records.subList(from, Math.min(from + batchSize, records.size()));
                TimeWindowEventResponse response = handler.handleRequest(
                        MappingEvents.event(streamArn, shard.shardId(), batch, window, state, false), null);
                response.getBatchItemFailures().forEach(f -> failures.add(shard.shardId() + " at "
                        + f.getItemIdentifier()));
                state = response.getState();
            }
            if (window != null) {
                handler.handleRequest(MappingEvents.event(streamArn, shard.shardId(), List.of(), window, state, true),
                        null);
            }
        }
        return failures;
    }
}
