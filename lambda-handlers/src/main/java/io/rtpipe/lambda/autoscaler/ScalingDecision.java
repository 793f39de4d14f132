package io.rtpipe.lambda.autoscaler;

import java.util.Objects;

/**
 * What the {@link ScalingPolicy} decided for one evaluation.
 *
 * @param action        scale out, scale in, or hold
 * @param currentShards open shards when the decision was made
 * @param targetShards  shards to ask UpdateShardCount for (equal to {@code currentShards} when holding)
 * @param reason        one sentence saying why, for logs and the simulation
 */
public record ScalingDecision(Action action, int currentShards, int targetShards, String reason) {

    public enum Action { SCALE_OUT, SCALE_IN, HOLD }

    public ScalingDecision {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        boolean consistent = switch (action) {
            case SCALE_OUT -> targetShards > currentShards;
            case SCALE_IN -> targetShards < currentShards;
            case HOLD -> targetShards == currentShards;
        };
        if (!consistent) {
            throw new IllegalArgumentException(action + " from " + currentShards + " to " + targetShards);
        }
    }

    static ScalingDecision hold(int currentShards, String reason) {
        return new ScalingDecision(Action.HOLD, currentShards, currentShards, reason);
    }

    public boolean changesShardCount() {
        return action != Action.HOLD;
    }

    @Override
    public String toString() {
        return action + " " + currentShards + " -> " + targetShards + ": " + reason;
    }
}
