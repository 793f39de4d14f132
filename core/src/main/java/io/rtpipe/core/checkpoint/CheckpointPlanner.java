package io.rtpipe.core.checkpoint;

import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers one shard's records since the last committed checkpoint (the open <em>interval</em>) and cuts a
 * {@link CheckpointPlan} from it on request. It knows records by a dense local index in processing order
 * (0 = first record this instance saw), so "the record just before record i" is simply i - 1, whatever the
 * sequence numbers look like. Single-threaded, owned by a shard engine.
 */
public final class CheckpointPlanner {
    /** Marks "no event time seen yet" in per-metric time arrays. */
    public static final long NO_TIME = Long.MIN_VALUE;
    /** Pass to {@link #plan} when no window is open. */
    public static final long NOTHING_OPEN = Long.MAX_VALUE;

    private final List<String> metrics;
    private final Map<String, Map<String, String>> definitions;
    private RecordPosition committedPosition;
    /** Local index of the committed checkpoint record; -1 = just before the first record of this instance. */
    private long committedIndex = -1;

    // Buffered records, index committedIndex + 1 + i at slot start + i; per metric the max event time after each.
    private InputRecord[] records = new InputRecord[1024];
    private long[][] maxTimeAfter;
    private int start;
    private int size;

    private final ArrayDeque<Indexed<DeadLetter>> deadLetters = new ArrayDeque<>();
    private final ArrayDeque<Indexed<LateRecord>> lateRecords = new ArrayDeque<>();
    /** Idle decisions by the index of the record they follow (committedIndex: right at the checkpoint). */
    private final ArrayDeque<Indexed<IdleAdvance>> idleAdvances = new ArrayDeque<>();

    private record Indexed<T>(long index, T item) {
    }

    /**
     * @param metrics         the metric names, in the order of the {@code maxTimeAfter} arrays passed to {@link #add}
     * @param definitions     per metric, its definition, recorded in every planned progress
     * @param restoredCheckpoint the checkpoint the shard resumes after (null: the start of the shard)
     */
    public CheckpointPlanner(List<String> metrics, Map<String, Map<String, String>> definitions,
                             RecordPosition restoredCheckpoint) {
        this.metrics = List.copyOf(metrics);
        this.definitions = Map.copyOf(definitions);
        this.committedPosition = restoredCheckpoint;
        this.maxTimeAfter = new long[this.metrics.size()][records.length];
    }

    /** The local index the next {@link #add}ed record gets. */
    public long nextIndex() {
        return committedIndex + 1 + size;
    }

    /** The checkpoint the open interval follows (null: the start of the shard). */
    public RecordPosition committedPosition() {
        return committedPosition;
    }

    /** How many records are held for the next plans. */
    public int bufferedRecords() {
        return size;
    }

    /**
     * Appends one processed record with what it produced.
     *
     * @param maxTimes    per metric (constructor order), the highest event time seen after processing it, or NO_TIME
     * @param deadLetter  the record's dead letter, or null
     * @param late        the record's late outputs (copied)
     */
    public void add(InputRecord record, long[] maxTimes, DeadLetter deadLetter, List<LateRecord> late) {
        long index = nextIndex();
        if (start + size == records.length) {
            makeRoom();
        }
        int slot = start + size;
        records[slot] = record;
        for (int m = 0; m < maxTimeAfter.length; m++) {
            maxTimeAfter[m][slot] = maxTimes[m];
        }
        size++;
        if (deadLetter != null) {
            deadLetters.addLast(new Indexed<>(index, deadLetter));
        }
        for (LateRecord lateRecord : late) {
            lateRecords.addLast(new Indexed<>(index, lateRecord));
        }
    }

    /**
     * Records an idle decision taken right after the last added record (or right at the committed checkpoint if none
     * was added since): a plan checkpointing at or after that record folds the raised times into its
     * {@code maxTimeAtCheckpoint}; an earlier plan lists the decision in its progress.
     *
     * A decision right after an earlier one (no record between) replaces it: its times are absolute and not lower,
     * so replaying the later alone decides the same, and a shard quiet for a long time keeps one decision, not one
     * per idle period.
     *
     * @param at       the position of the last record processed (null: none yet)
     * @param maxTimes per metric (constructor order), the highest event time after the decision, or NO_TIME
     */
    public void advance(RecordPosition at, long[] maxTimes) {
        Map<String, Long> raised = new HashMap<>();
        for (int m = 0; m < metrics.size(); m++) {
            if (maxTimes[m] != NO_TIME) {
                raised.put(metrics.get(m), maxTimes[m]);
            }
            if (size > 0) {
                maxTimeAfter[m][start + size - 1] = maxTimes[m];
            }
        }
        long index = nextIndex() - 1;
        if (!idleAdvances.isEmpty() && idleAdvances.peekLast().index() == index) {
            idleAdvances.removeLast();
        }
        idleAdvances.addLast(new Indexed<>(index, new IdleAdvance(at, raised)));
    }

    /** The idle decisions since the committed checkpoint (right at it included), in shard order. */
    public List<IdleAdvance> idleAdvances() {
        return upTo(idleAdvances, Long.MAX_VALUE);
    }

    private void makeRoom() {
        if (start > records.length / 2) {
            System.arraycopy(records, start, records, 0, size);
            Arrays.fill(records, size, records.length, null);
            for (long[] times : maxTimeAfter) {
                System.arraycopy(times, start, times, 0, size);
            }
        } else {
            int capacity = records.length * 2;
            records = Arrays.copyOfRange(records, start, start + capacity);
            for (int m = 0; m < maxTimeAfter.length; m++) {
                maxTimeAfter[m] = Arrays.copyOfRange(maxTimeAfter[m], start, start + capacity);
            }
        }
        start = 0;
    }

    /**
     * Cuts the plan for checkpointing just before the record with local index {@code oldestOpenIndex} (the first record
     * of the oldest open window), or at the last added record if that is {@link #NOTHING_OPEN}.
     *
     * @param maxTimeFired per metric, the highest event time at which every window written so far had fired
     * @param drainedThrough per metric, the highest event time at the last drain ({@link ShardProgress})
     * @return empty if that position is not after the committed checkpoint
     */
    public Optional<CheckpointPlan> plan(long oldestOpenIndex, Map<String, Long> maxTimeFired,
                                         Map<String, Long> drainedThrough) {
        long checkpointIndex = oldestOpenIndex == NOTHING_OPEN ? nextIndex() - 1 : oldestOpenIndex - 1;
        if (checkpointIndex <= committedIndex) {
            return Optional.empty();
        }
        int count = (int) (checkpointIndex - committedIndex);
        int last = start + count - 1;
        List<InputRecord> archive = Arrays.asList(records).subList(start, start + count);
        Map<String, Long> maxTimeAtCheckpoint = new HashMap<>();
        for (int m = 0; m < metrics.size(); m++) {
            if (maxTimeAfter[m][last] != NO_TIME) {
                maxTimeAtCheckpoint.put(metrics.get(m), maxTimeAfter[m][last]);
            }
        }
        RecordPosition checkpointAt = records[last].position();
        return Optional.of(new CheckpointPlan(records[start].position(), checkpointAt, archive,
                upTo(deadLetters, checkpointIndex), upTo(lateRecords, checkpointIndex),
                new ShardProgress(checkpointAt, maxTimeAtCheckpoint, maxTimeFired, definitions, drainedThrough,
                        after(idleAdvances, checkpointIndex))));
    }

    private static <T> List<T> upTo(ArrayDeque<Indexed<T>> items, long lastIndex) {
        List<T> result = new ArrayList<>();
        for (Indexed<T> item : items) {
            if (item.index() > lastIndex) {
                break;
            }
            result.add(item.item());
        }
        return result;
    }

    private static <T> List<T> after(ArrayDeque<Indexed<T>> items, long lastIndex) {
        return items.stream().filter(item -> item.index() > lastIndex).map(Indexed::item).toList();
    }

    /**
     * Forgets the records the plan covered: they are archived, and the shard is checkpointed at the plan's end.
     *
     * @throws IllegalStateException if the plan does not start at the open interval (another instance's plan, or one
     *                               already committed)
     */
    public void commit(CheckpointPlan plan) {
        int count = plan.archive().size();
        if (count == 0 || count > size || !records[start].position().equals(plan.firstPosition())
                || !records[start + count - 1].position().equals(plan.checkpointAt())) {
            throw new IllegalStateException("checkpoint plan " + plan.firstPosition() + ".." + plan.checkpointAt()
                    + " does not start this shard's open interval (after " + committedPosition + ")");
        }
        Arrays.fill(records, start, start + count, null);
        start += count;
        size -= count;
        committedIndex += count;
        committedPosition = plan.checkpointAt();
        while (!deadLetters.isEmpty() && deadLetters.peekFirst().index() <= committedIndex) {
            deadLetters.removeFirst();
        }
        while (!lateRecords.isEmpty() && lateRecords.peekFirst().index() <= committedIndex) {
            lateRecords.removeFirst();
        }
        while (!idleAdvances.isEmpty() && idleAdvances.peekFirst().index() <= committedIndex) {
            idleAdvances.removeFirst();
        }
    }
}
