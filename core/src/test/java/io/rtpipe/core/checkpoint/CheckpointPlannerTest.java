package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Drives the planner's buffer through growth (from the start and from an offset) and compaction; every plan must
 * be exactly the records, dead letters, late records and max time of its interval.
 */
class CheckpointPlannerTest {
    private final CheckpointPlanner planner = new CheckpointPlanner(List.of("m"), Map.of(), RecordPosition.of("1000"));
    private final List<InputRecord> all = new ArrayList<>();
    private final List<InputRecord> archived = new ArrayList<>();
    private long committed = -1;

    /** Record n: sequence 1001 + n, event time 10·n, a dead letter if n % 7 == 0, late if n % 5 == 0. */
    private void add(int count) {
        for (int i = 0; i < count; i++) {
            int n = all.size();
            assertThat(planner.nextIndex()).isEqualTo(n);
            var record = new InputRecord(RecordPosition.of(Integer.toString(1001 + n)), "pk", 0, new byte[0]);
            all.add(record);
            planner.add(record, new long[]{n * 10L}, n % 7 == 0 ? new DeadLetter(record, "r") : null,
                    n % 5 == 0 ? List.of(new LateRecord(record, "m", Instant.EPOCH)) : List.of());
        }
    }

    private static int indexOf(InputRecord record) {
        return Integer.parseInt(record.position().sequenceNumber()) - 1001;
    }

    /** Plans just before record {@code oldestOpen} (or at the end if NOTHING_OPEN), checks the plan and commits it. */
    private void checkpointBefore(long oldestOpen) {
        long end = oldestOpen == CheckpointPlanner.NOTHING_OPEN ? all.size() - 1 : oldestOpen - 1;
        CheckpointPlan plan = planner.plan(oldestOpen, Map.of("m", 999L), Map.of()).orElseThrow();
        List<InputRecord> expected = all.subList((int) committed + 1, (int) end + 1);
        assertThat(plan.archive()).containsExactlyElementsOf(expected);
        assertThat(plan.firstPosition()).isEqualTo(expected.get(0).position());
        assertThat(plan.checkpointAt()).isEqualTo(expected.get(expected.size() - 1).position());
        assertThat(plan.progress()).isEqualTo(new ShardProgress(plan.checkpointAt(), Map.of("m", end * 10L),
                Map.of("m", 999L)));
        assertThat(plan.deadLetters()).extracting(DeadLetter::record)
                .containsExactlyElementsOf(expected.stream().filter(r -> indexOf(r) % 7 == 0).toList());
        assertThat(plan.lateRecords()).extracting(LateRecord::record)
                .containsExactlyElementsOf(expected.stream().filter(r -> indexOf(r) % 5 == 0).toList());
        planner.commit(plan);
        assertThatThrownBy(() -> planner.commit(plan)).isInstanceOf(IllegalStateException.class);
        assertThat(planner.committedPosition()).isEqualTo(plan.checkpointAt());
        committed = end;
        archived.addAll(plan.archive());
    }

    @Test
    void plansAreExactIntervalsThroughBufferGrowthAndCompaction() {
        assertThat(planner.plan(CheckpointPlanner.NOTHING_OPEN, Map.of(), Map.of())).as("nothing processed").isEmpty();
        add(1500);                       // grows from the start of the buffer
        assertThat(planner.plan(0, Map.of(), Map.of())).as("oldest open window starts at the first record").isEmpty();
        checkpointBefore(1400);
        add(2000);                       // fills the buffer's tail, then compacts the 100 + rest to the front
        checkpointBefore(1410);          // commits only 10: the buffer now starts at an offset
        add(3000);                       // grows from that offset
        checkpointBefore(5000);
        add(5);
        assertThat(planner.plan(5000, Map.of(), Map.of())).as("oldest open starts right after the checkpoint").isEmpty();
        checkpointBefore(CheckpointPlanner.NOTHING_OPEN);
        assertThat(archived).containsExactlyElementsOf(all);
        assertThat(planner.bufferedRecords()).isZero();
        assertThat(planner.plan(CheckpointPlanner.NOTHING_OPEN, Map.of(), Map.of())).isEmpty();
    }
}
