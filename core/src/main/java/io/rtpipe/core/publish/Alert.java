package io.rtpipe.core.publish;

import java.time.Instant;
import java.util.Objects;

/**
 * One notification an alert decided to send: the crossing row as an {@link OutputRecord} (its id is the
 * notification's id) and the throttle slot it claims. {@link #ledgerKey()} names the slot per key: an alert ledger
 * that records at most one notification per ledger key keeps a replay, or a later crossing in the same slot published
 * in another range, from notifying again.
 *
 * @param keyHash   the row's {@link OutputRecord#keyHash key hash}
 * @param slotStart the start of the throttle slot the row's window start lies in
 */
public record Alert(OutputRecord record, String keyHash, Instant slotStart) {
    public Alert {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(keyHash, "keyHash");
        Objects.requireNonNull(slotStart, "slotStart");
    }

    /** {@code <key hash>/<slot start>}: unique per key and throttle slot within a metric. */
    public String ledgerKey() {
        return keyHash + "/" + slotStart;
    }
}
