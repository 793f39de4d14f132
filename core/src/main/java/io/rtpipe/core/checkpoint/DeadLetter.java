package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.InputRecord;

import java.util.Objects;

/** A record the engine could not use, with the reason in one sentence (for example "ts: missing"). */
public record DeadLetter(InputRecord record, String reason) {
    public DeadLetter {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(reason, "reason");
    }
}
