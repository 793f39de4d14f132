package io.rtpipe.core.task;

/**
 * A shard cannot resume from its stored progress: the entry of its checkpoint is missing, or a metric's definition
 * differs from the one that progress was written under. Resuming anyway would write wrong results, so the worker
 * must not start the shard; the message is one sentence naming the shard or metric and what is wrong.
 */
public final class ProgressException extends RuntimeException {
    public ProgressException(String message) {
        super(message);
    }
}
