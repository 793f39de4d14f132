package io.rtpipe.core.task;

import io.rtpipe.core.record.RecordPosition;

/**
 * Records how far a shard is done, so a restart (or the shard's next owner) resumes after it: KCL's
 * {@code RecordProcessorCheckpointer} in the consumer, an in-memory position in the test driver. A
 * {@link ShardTask} calls it only after every write the position depends on is durable.
 */
public interface Checkpointer {

    /**
     * Records that every record up to and including {@code at} is done.
     *
     * @return false when the checkpoint was not recorded (the implementation reports why); the task retries later
     */
    boolean checkpoint(RecordPosition at);

    /**
     * Records that the shard ended and every one of its records is done (KCL's SHARD_END: child shards wait for it).
     *
     * @return false when the checkpoint was not recorded (the implementation reports why)
     */
    boolean checkpointShardEnd();
}
