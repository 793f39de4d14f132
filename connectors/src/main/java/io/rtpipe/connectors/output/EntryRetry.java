package io.rtpipe.connectors.output;

import io.rtpipe.connectors.sink.RetryPolicy;
import io.rtpipe.connectors.sink.SinkWriteException;

import java.util.ArrayList;
import java.util.List;

/**
 * The one retry loop of the batch outputs: send a batch, then send again only the entries the service reported
 * failed (PutRecords, PutRecordBatch and PutEvents accept part of a batch), until none is left or the policy's
 * attempts are spent. A call that throws counts as every entry failed.
 */
final class EntryRetry {

    /** One call to the service with a batch. */
    @FunctionalInterface
    interface Attempt<E> {
        /** @return per entry of {@code batch}, in its order, null if accepted or the reason it was refused */
        List<String> send(List<E> batch);
    }

    private EntryRetry() {
    }

    /**
     * @param destination what the entries go to, for the error ({@code kinesis stream results})
     * @throws SinkWriteException naming how many entries (records, or Lambda invocations) were refused and the last
     *                            reason
     */
    static <E> void deliver(String destination, List<E> entries, RetryPolicy policy, Attempt<E> attempt) {
        List<E> pending = entries;
        String lastReason = null;
        RuntimeException lastError = null;
        for (int attemptNo = 1; !pending.isEmpty(); attemptNo++) {
            if (attemptNo > 1) {
                policy.sleepAfter(attemptNo - 1);
            }
            List<E> failed = new ArrayList<>();
            try {
                List<String> reasons = attempt.send(pending);
                for (int i = 0; i < pending.size(); i++) {
                    if (reasons.get(i) != null) {
                        failed.add(pending.get(i));
                        lastReason = reasons.get(i);
                    }
                }
            } catch (RuntimeException e) {
                failed = pending;
                lastError = e;
                lastReason = e.getMessage();
            }
            pending = failed;
            if (!pending.isEmpty() && attemptNo >= policy.maxAttempts()) {
                throw new SinkWriteException(pending.size() + " of " + entries.size() + " entries to " + destination
                        + " were refused after " + attemptNo + " attempts (last: " + lastReason + ")", lastError);
            }
        }
    }
}
