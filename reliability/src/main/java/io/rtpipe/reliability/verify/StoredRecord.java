package io.rtpipe.reliability.verify;

/** A record as Kinesis stored it. */
public record StoredRecord(String shardId, String sequenceNumber, byte[] data) {

    public Address address() {
        return new Address(shardId, sequenceNumber);
    }

    /** Where Kinesis stored a record: identifies it in the archive, dead letters and late records. */
    public record Address(String shardId, String sequenceNumber) {
        @Override
        public String toString() {
            return shardId + "/" + sequenceNumber;
        }
    }
}
