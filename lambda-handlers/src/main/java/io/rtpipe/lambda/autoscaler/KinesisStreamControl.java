package io.rtpipe.lambda.autoscaler;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.AddTagsToStreamRequest;
import software.amazon.awssdk.services.kinesis.model.ListTagsForStreamRequest;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.Tag;
import software.amazon.awssdk.services.kinesis.model.UpdateShardCountRequest;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@link StreamControl} over the Kinesis API; the scaling history lives in the stream tag {@value #HISTORY_TAG}. */
public final class KinesisStreamControl implements StreamControl {

    public static final String HISTORY_TAG = "rtpipe:autoscaler:scalings";

    private final KinesisAsyncClient kinesis;

    public KinesisStreamControl(KinesisAsyncClient kinesis) {
        this.kinesis = kinesis;
    }

    @Override
    public StreamState describe(String streamName) {
        StreamDescriptionSummary summary = kinesis.describeStreamSummary(r -> r.streamName(streamName)).join()
                .streamDescriptionSummary();
        boolean onDemand = summary.streamModeDetails() != null
                && summary.streamModeDetails().streamMode() == StreamMode.ON_DEMAND;
        return new StreamState(summary.streamStatus() == StreamStatus.ACTIVE, !onDemand, summary.openShardCount());
    }

    @Override
    public void updateShardCount(String streamName, int targetShards) {
        kinesis.updateShardCount(UpdateShardCountRequest.builder()
                .streamName(streamName)
                .targetShardCount(targetShards)
                .scalingType(ScalingType.UNIFORM_SCALING)
                .build()).join();
    }

    @Override
    public List<Instant> scalingHistory(String streamName) {
        Map<String, String> tags = kinesis.listTagsForStream(ListTagsForStreamRequest.builder()
                        .streamName(streamName).build()).join()
                .tags().stream().collect(Collectors.toMap(Tag::key, t -> t.value() == null ? "" : t.value()));
        return decode(tags.getOrDefault(HISTORY_TAG, ""));
    }

    @Override
    public void saveScalingHistory(String streamName, List<Instant> history) {
        kinesis.addTagsToStream(AddTagsToStreamRequest.builder()
                .streamName(streamName)
                .tags(Map.of(HISTORY_TAG, encode(history)))
                .build()).join();
    }

    /** Epoch seconds separated by spaces: ten entries fit the 256-character tag value limit easily. */
    static String encode(List<Instant> history) {
        return history.stream().map(t -> Long.toString(t.getEpochSecond())).collect(Collectors.joining(" "));
    }

    static List<Instant> decode(String value) {
        return Arrays.stream(value.trim().split("\\s+"))
                .filter(s -> s.matches("\\d+"))
                .map(s -> Instant.ofEpochSecond(Long.parseLong(s)))
                .sorted()
                .toList();
    }
}
