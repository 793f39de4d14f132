package io.rtpipe.core.record;

import java.util.Objects;

/**
 * One user record read from a shard, as the engine sees it (already de-aggregated if the producer packed it).
 *
 * @param position      where it sits in the shard
 * @param partitionKey  the partition key it was put with
 * @param arrivalMillis Kinesis' approximate arrival timestamp, epoch millis (stable across replays)
 * @param data          the payload bytes; not copied, callers must not mutate them afterwards
 */
public record InputRecord(RecordPosition position, String partitionKey, long arrivalMillis, byte[] data) {
    public InputRecord {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(data, "data");
    }
}
