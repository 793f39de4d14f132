package io.rtpipe.reliability.verify;

import java.util.List;

/**
 * What a scenario's verification found. {@code lost} and {@code doubleCounted} are summed over every (type, minute)
 * cell: expected − counted where positive, counted − expected where positive. {@code copies}: records of the stream
 * that repeat an earlier record's {@code event_id} (retried puts), which must not be counted again. {@code problems} lists every other
 * discrepancy (archive, dead letters, late records, acknowledged events missing from the stream), one sentence each.
 */
public record Verdict(long produced, long copies, long counted, long lost, long doubleCounted, long deadLettered,
                      long late, List<String> problems) {

    public boolean exact() {
        return lost == 0 && doubleCounted == 0 && problems.isEmpty();
    }

    /** The scenario's one line (issue #6): produced, counted, lost, double-counted, dead-lettered, recovery. */
    public String line(String scenario, long seed, String recovery) {
        return String.format("%-28s seed %d: produced %,d  copies in stream %,d  counted %,d  lost %,d  double-counted %,d  "
                        + "dead-lettered %,d  late %,d  recovery %s  other problems %d",
                scenario, seed, produced, copies, counted, lost, doubleCounted, deadLettered, late, recovery, problems.size());
    }
}
