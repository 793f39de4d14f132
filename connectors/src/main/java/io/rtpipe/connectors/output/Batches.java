package io.rtpipe.connectors.output;

import io.rtpipe.core.publish.OutputRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cuts records into the batches a service takes: at most so many entries and so many bytes per call, and refuses a
 * record larger than one entry may be, because no retry could ever send it.
 *
 * @param maxEntries      entries per call
 * @param maxBatchBytes   bytes per call, counted as {@code size} counts them
 * @param maxEntryBytes   bytes of one entry
 * @param service         what one entry is, for the refusal: {@code Kinesis record}
 * @param size            an entry's size as the service counts it (data and partition key, say)
 */
record Batches(String service, int maxEntries, long maxBatchBytes, long maxEntryBytes,
               ToIntFunction<OutputRecord> size) {

    /** The UTF-8 length of the record's JSON body. */
    static int bodyBytes(OutputRecord record) {
        return record.json().getBytes(StandardCharsets.UTF_8).length;
    }

    List<List<OutputRecord>> cut(List<OutputRecord> records) {
        List<List<OutputRecord>> batches = new ArrayList<>();
        List<OutputRecord> batch = new ArrayList<>();
        long bytes = 0;
        for (OutputRecord record : records) {
            int recordBytes = size.applyAsInt(record);
            if (recordBytes > maxEntryBytes) {
                throw new IllegalArgumentException("output record " + record.id() + " is " + recordBytes
                        + " bytes, more than the " + maxEntryBytes + " bytes one " + service + " takes: "
                        + "drop large values (topk lists, say) from the metric or send it to another output");
            }
            if (!batch.isEmpty() && (batch.size() == maxEntries || bytes + recordBytes > maxBatchBytes)) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(record);
            bytes += recordBytes;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }
}
