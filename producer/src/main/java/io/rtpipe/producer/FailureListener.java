package io.rtpipe.producer;

/**
 * Called once for every record the producer gives up on, so none is dropped silently. Runs on a producer or SDK
 * thread: keep it quick and never block in it (hand slow work to your own executor).
 */
@FunctionalInterface
public interface FailureListener {
    void onFailure(RecordFailure failure);
}
