package io.rtpipe.core.record;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Where a user record sits in its shard: the Kinesis sequence number plus the KPL sub-sequence number
 * (0 for a record that was not aggregated). Ordered as the shard orders them.
 */
public record RecordPosition(String sequenceNumber, long subSequenceNumber) implements Comparable<RecordPosition> {

    public RecordPosition {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (sequenceNumber.isEmpty() || !sequenceNumber.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("sequence number must be decimal digits, got '" + sequenceNumber + "'");
        }
        if (subSequenceNumber < 0) {
            throw new IllegalArgumentException("sub-sequence number must be >= 0, got " + subSequenceNumber);
        }
    }

    public static RecordPosition of(String sequenceNumber) {
        return new RecordPosition(sequenceNumber, 0);
    }

    @Override
    public int compareTo(RecordPosition other) {
        // Kinesis sequence numbers are up to 128-bit decimals: compare by length first, then lexically.
        int byLength = Integer.compare(sequenceNumber.length(), other.sequenceNumber.length());
        if (byLength != 0) {
            return byLength;
        }
        int bySequence = sequenceNumber.compareTo(other.sequenceNumber);
        return bySequence != 0 ? bySequence : Long.compare(subSequenceNumber, other.subSequenceNumber);
    }

    public BigInteger sequenceAsNumber() {
        return new BigInteger(sequenceNumber);
    }

    @Override
    public String toString() {
        return subSequenceNumber == 0 ? sequenceNumber : sequenceNumber + "/" + subSequenceNumber;
    }
}
