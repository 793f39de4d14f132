package io.rtpipe.consumer;

import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.task.Checkpointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.exceptions.InvalidStateException;
import software.amazon.kinesis.exceptions.KinesisClientLibDependencyException;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.exceptions.ThrottlingException;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;

/**
 * KCL's {@link RecordProcessorCheckpointer} as the task's {@link Checkpointer}: a refused checkpoint is logged by
 * its cause and reported as not recorded, never thrown, so the worker lives on and the task retries later.
 */
final class KclCheckpointer implements Checkpointer {

    private static final Logger LOG = LoggerFactory.getLogger(KclCheckpointer.class);

    /** One KCL checkpoint call, with KCL's checked exceptions. */
    private interface Call {
        void run() throws ShutdownException, ThrottlingException, KinesisClientLibDependencyException,
                InvalidStateException;
    }

    private final String shardId;
    private final RecordProcessorCheckpointer checkpointer;

    KclCheckpointer(String shardId, RecordProcessorCheckpointer checkpointer) {
        this.shardId = shardId;
        this.checkpointer = checkpointer;
    }

    @Override
    public boolean checkpoint(RecordPosition at) {
        return record(() -> checkpointer.checkpoint(at.sequenceNumber(), at.subSequenceNumber()));
    }

    @Override
    public boolean checkpointShardEnd() {
        return record(checkpointer::checkpoint);
    }

    private boolean record(Call call) {
        try {
            call.run();
            return true;
        } catch (ShutdownException e) {
            LOG.info("Shard {}: lease lost before the checkpoint; the next owner replays the interval", shardId);
        } catch (ThrottlingException | KinesisClientLibDependencyException e) {
            LOG.warn("Shard {}: checkpoint failed, retrying later: {}", shardId, e.getMessage());
        } catch (InvalidStateException | IllegalArgumentException e) {
            LOG.error("Shard {}: KCL rejected the checkpoint, retrying later", shardId, e);
        }
        return false;
    }
}
