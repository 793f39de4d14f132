package io.rtpipe.reliability.verify;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * What a scenario's verification found. {@code lost} and {@code doubleCounted} are summed over every (type, minute)
 * cell: expected − counted where positive, counted − expected where positive. {@code copies}: records of the stream
 * that repeat an earlier record's {@code event_id} (retried puts), which must not be counted again. {@code problems} lists every other
 * discrepancy (archive, dead letters, late records, acknowledged events missing from the stream), one sentence each.
 * {@code streamRecords} user records the stream holds (copies included), in {@code kinesisRecords} Kinesis records:
 * their ratio is how many events an aggregate held. {@code deadLetterPayloads}: how many times each payload is in
 * {@code deadletter/}, for a scenario to compare with the bad records it wrote.
 */
public record Verdict(long produced, long copies, long counted, long lost, long doubleCounted, long deadLettered,
                      long late, long streamRecords, long kinesisRecords, List<String> problems,
                      Map<ByteBuffer, Long> deadLetterPayloads) {

    public boolean exact() {
        return lost == 0 && doubleCounted == 0 && problems.isEmpty();
    }

    /** User records per Kinesis record in the stream: 1 unaggregated, the mean aggregate's size aggregated. */
    public double eventsPerKinesisRecord() {
        return kinesisRecords == 0 ? 0 : (double) streamRecords / kinesisRecords;
    }

    /** The scenario's one line (issue #6): produced, counted, lost, double-counted, dead-lettered, recovery. */
    public String line(String scenario, long seed, String recovery) {
        return String.format("%-28s seed %d: produced %,d  copies in stream %,d  counted %,d  lost %,d  double-counted %,d  "
                        + "dead-lettered %,d  late %,d  recovery %s  other problems %d  events per Kinesis record %.1f",
                scenario, seed, produced, copies, counted, lost, doubleCounted, deadLettered, late, recovery,
                problems.size(), eventsPerKinesisRecord());
    }
}
