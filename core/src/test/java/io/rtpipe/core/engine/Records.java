package io.rtpipe.core.engine;

import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;

import java.nio.charset.StandardCharsets;

/**
 * Builds input records for engine tests: consecutive sequence numbers starting at 1, record n arriving at
 * {@code arrivalBase + n} seconds.
 */
final class Records {
    private final long arrivalBase;
    private long next = 1;

    Records() {
        this(0);
    }

    /** Records that arrive from {@code arrivalBase} on, for events whose times must not lie ahead of arrival. */
    Records(long arrivalBase) {
        this.arrivalBase = arrivalBase;
    }

    InputRecord event(long ts, String type) {
        return raw("{\"event_id\":\"e" + next + "\",\"ts\":" + ts + ",\"type\":\"" + type + "\",\"amount\":1.5}");
    }

    InputRecord raw(String payload) {
        return raw(payload.getBytes(StandardCharsets.UTF_8));
    }

    InputRecord raw(byte[] payload) {
        long n = next++;
        return new InputRecord(RecordPosition.of(Long.toString(n)), "pk", arrivalBase + 1_000 * n, payload);
    }
}
