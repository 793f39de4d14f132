package io.rtpipe.lambda.autoscaler;

import software.amazon.awssdk.services.kinesis.model.LimitExceededException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A {@link StreamControl} held in memory, recording the calls the autoscaler makes. */
final class InMemoryStream implements StreamControl {

    boolean active = true;
    boolean provisioned = true;
    int openShards;
    boolean refuseUpdates;
    List<Instant> history = new ArrayList<>();
    final List<Integer> updateCalls = new ArrayList<>();

    InMemoryStream(int openShards) {
        this.openShards = openShards;
    }

    @Override
    public StreamState describe(String streamName) {
        return new StreamState(active, provisioned, openShards);
    }

    @Override
    public void updateShardCount(String streamName, int targetShards) {
        if (refuseUpdates) {
            throw LimitExceededException.builder().message("rate exceeded").build();
        }
        updateCalls.add(targetShards);
        active = false;
    }

    @Override
    public List<Instant> scalingHistory(String streamName) {
        return List.copyOf(history);
    }

    @Override
    public void saveScalingHistory(String streamName, List<Instant> history) {
        this.history = new ArrayList<>(history);
    }
}
