package io.rtpipe.core.task;

/**
 * Who owns a shard now, as an epoch that grows with every new owner, so a worker that lost its lease but still runs
 * (a zombie: a long GC pause, a partition) cannot overwrite what the shard's next owner writes. {@link ShardTask}
 * claims an epoch when it starts and checks it right before every durable write.
 */
public interface OwnershipPort {

    /**
     * For a writer the platform already serializes (the Lambda handler: one invocation per shard at a time, its
     * state carried in its response): every claim is epoch 0, always current.
     */
    OwnershipPort SINGLE_WRITER = new OwnershipPort() {
        @Override
        public long claim(String shardId, String owner) {
            return 0;
        }

        @Override
        public void requireOwner(String shardId, long epoch) {
        }
    };

    /**
     * Makes {@code owner} the shard's owner under the next epoch (the current one + 1), durably and atomically: from
     * then on every write under an earlier epoch is refused.
     *
     * @return the new epoch
     */
    long claim(String shardId, String owner);

    /**
     * Returns only if {@code epoch} is still the shard's current epoch (a strongly consistent read).
     *
     * @throws FencedException if a newer owner claimed the shard
     */
    void requireOwner(String shardId, long epoch);
}
