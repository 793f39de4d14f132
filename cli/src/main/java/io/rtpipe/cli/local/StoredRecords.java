package io.rtpipe.cli.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every record Kinesis acknowledged, by where it was stored: what the archive must hold, exactly once each. */
final class StoredRecords {

    /** Where Kinesis stored one record. */
    record Address(String shardId, String sequenceNumber) {}

    private final Map<Address, byte[]> byAddress = new ConcurrentHashMap<>();

    void add(String shardId, String sequenceNumber, byte[] data) {
        byAddress.put(new Address(shardId, sequenceNumber), data);
    }

    Map<Address, byte[]> all() {
        return byAddress;
    }
}
