package io.rtpipe.lambda.autoscaler;

import java.time.Instant;
import java.util.List;

/** The stream operations the autoscaler needs (Kinesis in AWS and on emulators). */
public interface StreamControl {

    /** What the autoscaler needs to know about a stream right now. */
    record StreamState(boolean active, boolean provisioned, int openShards) {}

    StreamState describe(String streamName);

    /** Starts a uniform reshard to {@code targetShards}; returns at once (the stream turns UPDATING). */
    void updateShardCount(String streamName, int targetShards);

    /**
     * When this autoscaler issued its recent UpdateShardCount calls. Kept with the stream itself (a tag) because the
     * Lambda is stateless and AWS's quota counts calls per stream over a rolling day.
     */
    List<Instant> scalingHistory(String streamName);

    void saveScalingHistory(String streamName, List<Instant> history);
}
