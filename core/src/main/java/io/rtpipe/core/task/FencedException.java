package io.rtpipe.core.task;

/**
 * A write was refused because the shard has a newer owner than the task that tried it: the task has lost the shard
 * and must stop processing it (as on KCL's lease loss). The message is one sentence naming the shard and both owners.
 */
public final class FencedException extends RuntimeException {
    public FencedException(String message) {
        super(message);
    }
}
