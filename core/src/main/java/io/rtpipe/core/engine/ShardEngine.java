package io.rtpipe.core.engine;

import io.rtpipe.core.checkpoint.CheckpointPlan;
import io.rtpipe.core.checkpoint.CheckpointPlanner;
import io.rtpipe.core.checkpoint.DeadLetter;
import io.rtpipe.core.checkpoint.IdleAdvance;
import io.rtpipe.core.checkpoint.LateRecord;
import io.rtpipe.core.checkpoint.ReferenceVersions;
import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.event.EventFields;
import io.rtpipe.core.event.EventDecoder;
import io.rtpipe.core.event.FieldSelection;
import io.rtpipe.core.filter.EventFilter;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import io.rtpipe.core.reference.ReferenceSpec;
import io.rtpipe.core.reference.ReferenceTable;
import io.rtpipe.core.reference.VersionedTables;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes every configured metric over one shard's records and plans where the shard may be checkpointed.
 * One instance per shard; single-threaded; every output is a deterministic function of the record sequence, the idle
 * decisions its caller takes ({@link #advanceIdle}, recorded in the progress) and the {@link ShardProgress} it was
 * restored from (never of wall-clock time, which the caller measures, or of how records were batched).
 *
 * <h2>Lifecycle (what the consumer does)</h2>
 * <ol>
 *   <li>{@link #process} each record in shard order;</li>
 *   <li>{@link #takeFiredResults} and write them (idempotent upserts keyed by metric, window start, key, shard);</li>
 *   <li>when it wants to checkpoint: {@link #planCheckpoint}, write the plan's archive, dead letters and late records
 *       keyed by its first position, store its progress, checkpoint KCL at {@code checkpointAt}, then
 *       {@link #commit};</li>
 *   <li>at shard end or drain: {@link #endOfInput}, take and write the results, then plan, write and commit as above.
 *   </li>
 * </ol>
 * A crash anywhere is recovered by a new engine restored from the progress stored with KCL's checkpoint, fed every
 * record after that checkpoint again.
 *
 * <h2>Semantics</h2>
 * Per metric, only events its filter takes count; the watermark is the highest event time the metric can read on
 * this shard (of any record, also one its filter rejects or a dead letter) minus the metric's allowed lateness.
 * A window [start, end) fires as soon as the watermark is at or past its end. A record is late for a window if that
 * window's end is at or below the watermark as it was before the record (a late record's own time is below the
 * highest time seen, so it never moves the watermark); late records are reported as {@link LateRecord}s and not
 * counted. Session windows: see docs/ENGINE.md. A metric with a dedup field takes each event id once per window:
 * further copies (producer retries) are dropped from that window and counted in
 * {@link EngineStats#duplicatesDropped()}. A record the decoder cannot read, or that lacks a field a metric needs
 * (or holds a value of the wrong type in it), or on which a metric's filter exceeds its evaluation budget
 * ({@link EventFilter#MAX_ITERATIONS}) or a derived field's expression fails ({@link MetricSpec#derived()}: that
 * metric then takes nothing of the record, its time included), becomes a {@link DeadLetter} (with the first reason found) and still counts
 * in the metrics it is valid for.
 */
public final class ShardEngine {

    /** {@link #firedThrough()} of a shard whose input ended: every window of it has fired. */
    public static final long FIRED_EVERYTHING = Long.MAX_VALUE;
    private final String shardId;
    private final EventDecoder decoder;
    private final EventFields fields;
    private final MetricReader[] readers;
    private final MetricState[] metrics;
    private final CheckpointPlanner planner;
    /** Per metric, the highest event time seen so far (NO_TIME if none): handed to the planner after each record. */
    private final long[] maxTimes;
    private final List<LateRecord> lateOfRecord = new ArrayList<>();
    private List<WindowResult> fired = new ArrayList<>();
    private RecordPosition lastPosition;
    private boolean ended;
    /** The progress of the committed (or restored) checkpoint: an idle decision is stored as this plus the decisions. */
    private ShardProgress committedProgress;
    /** Whether plans checkpoint at the last record with a snapshot of the open state, instead of before it. */
    private final boolean snapshotting;
    /** Restored idle decisions after records not replayed yet, in shard order. */
    private final ArrayDeque<IdleAdvance> toReplay = new ArrayDeque<>();
    /** Joins events with the reference tables in use; null when the spec has none. */
    private final ReferenceJoin join;
    /**
     * The committed reference-table switches in shard order: the first in effect at the committed checkpoint, each
     * later one from right after its record ({@link ReferenceVersions}).
     */
    private final List<TableSwitch> switches = new ArrayList<>();
    /** The index in {@link #switches} of the first switch not applied yet. */
    private int nextSwitch;
    /** A reload offered after the last record: in effect once the progress naming it is stored. */
    private TableSwitch offered;

    /** The tables joined from right after {@code after} on (null: from the start of what is replayed). */
    private record TableSwitch(RecordPosition after, Map<String, ReferenceTable> tables) {
        ReferenceVersions versions() {
            return new ReferenceVersions(after, versionsOf(tables));
        }

        static Map<String, String> versionsOf(Map<String, ReferenceTable> tables) {
            Map<String, String> versions = new LinkedHashMap<>();
            tables.forEach((name, table) -> versions.put(name, table.version()));
            return versions;
        }
    }

    private long recordsProcessed;
    private long redeliveriesIgnored;
    private long deadLettered;

    /**
     * @param restoreFrom the progress stored with the checkpoint the shard resumes after;
     *                    {@link ShardProgress#initial()} for a shard read from its start. Metrics the progress does
     *                    not mention start fresh; metrics it mentions that the config lacks are ignored.
     */
    public ShardEngine(EngineConfig config, String shardId, ShardProgress restoreFrom) {
        this(config, shardId, restoreFrom, false, null);
    }

    /**
     * @param snapshotting whether {@link #planCheckpoint} plans at the last record processed with a snapshot of the
     *                     open state, so the engine holds no record past a commit; false: before the oldest open
     *                     window's first record, so a restart rebuilds the open state by replay
     * @param snapshot     the snapshot {@code restoreFrom} names ({@link ShardProgress#snapshot()}), else null
     * @throws IllegalArgumentException when the snapshot is missing, unneeded, unreadable or does not fit the config
     */
    public ShardEngine(EngineConfig config, String shardId, ShardProgress restoreFrom, boolean snapshotting,
                       byte[] snapshot) {
        this(config, shardId, restoreFrom, snapshotting, snapshot, (name, version) -> {
            throw new IllegalArgumentException("reference " + name + " has no table: this engine was given none");
        });
    }

    /**
     * @param tables the reference tables at the versions {@code restoreFrom} names
     *               ({@link ShardProgress#referenceVersions()}); a reference it names none for takes the newest
     */
    public ShardEngine(EngineConfig config, String shardId, ShardProgress restoreFrom, boolean snapshotting,
                       byte[] snapshot, VersionedTables tables) {
        Objects.requireNonNull(config, "config");
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(restoreFrom, "restoreFrom");
        List<MetricSpec> specs = config.metrics();

        FieldSelection.Builder selected = new FieldSelection.Builder();
        specs.forEach(spec -> MetricReader.select(spec, selected));
        ReferenceJoin.select(config.references(), selected);
        FieldSelection selection = selected.build();
        decoder = config.decoder().create(selection, config.schemaRegistry());
        // Each metric computes its derived fields just before it reads the event, so all share the slots past the
        // decoded ones.
        fields = new EventFields(selection, specs.stream().mapToInt(s -> s.derived().size()).max().orElse(0));
        join = config.references().isEmpty() ? null : new ReferenceJoin(config.references(), selection);
        if (join != null) {
            restoreSwitches(config.references(), restoreFrom, tables);
        }

        readers = new MetricReader[specs.size()];
        metrics = new MetricState[specs.size()];
        maxTimes = new long[specs.size()];
        for (int m = 0; m < metrics.length; m++) {
            String name = specs.get(m).name();
            readers[m] = new MetricReader(specs.get(m), selection, shardId);
            metrics[m] = MetricState.of(readers[m],
                    restoreFrom.maxTimeAtCheckpoint().getOrDefault(name, CheckpointPlanner.NO_TIME),
                    restoreFrom.maxTimeFired().getOrDefault(name, CheckpointPlanner.NO_TIME),
                    restoreFrom.drainedThrough().getOrDefault(name, CheckpointPlanner.NO_TIME));
            maxTimes[m] = metrics[m].maxTime;
        }
        Map<String, Map<String, String>> definitions = new HashMap<>();
        specs.forEach(spec -> definitions.put(spec.name(), spec.definition()));
        planner = new CheckpointPlanner(specs.stream().map(MetricSpec::name).toList(), definitions,
                restoreFrom.checkpoint());
        lastPosition = restoreFrom.checkpoint();
        this.snapshotting = snapshotting;
        if ((restoreFrom.snapshot() != null) != (snapshot != null)) {
            throw new IllegalArgumentException("shard " + shardId + "'s progress at " + restoreFrom.checkpoint()
                    + (snapshot == null ? " names a window-state snapshot, and none was given"
                    : " names no window-state snapshot, and one was given"));
        }
        if (snapshot != null) {
            if (!StateSnapshot.id(snapshot).equals(restoreFrom.snapshot())) {
                throw new IllegalArgumentException("its bytes do not have the digest " + restoreFrom.snapshot()
                        + " its progress names");
            }
            StateSnapshot.read(snapshot, metrics);
        }
        // A shard never checkpointed stores its idle decisions in a start entry: give it the definitions to check.
        committedProgress = restoreFrom.checkpoint() != null ? restoreFrom : new ShardProgress(null, Map.of(),
                Map.of(), definitions, Map.of(), List.of());
        toReplay.addAll(restoreFrom.idleAdvances());
        replayIdleAdvances(lastPosition, true);
    }

    /** Resolves the progress's reference versions (none named: the newest, from its checkpoint) and applies the first. */
    private void restoreSwitches(List<ReferenceSpec> references, ShardProgress restoreFrom, VersionedTables tables) {
        List<ReferenceVersions> stored = restoreFrom.referenceVersions().isEmpty()
                ? List.of(new ReferenceVersions(restoreFrom.checkpoint(), Map.of())) : restoreFrom.referenceVersions();
        for (ReferenceVersions entry : stored) {
            Map<String, ReferenceTable> resolved = new LinkedHashMap<>();
            for (ReferenceSpec reference : references) {
                resolved.put(reference.name(), Objects.requireNonNull(
                        tables.table(reference.name(), entry.versions().get(reference.name())),
                        () -> "the table of reference " + reference.name()));
            }
            switches.add(new TableSwitch(entry.after(), resolved));
        }
        join.use(switches.get(0).tables());
        nextSwitch = 1;
    }

    /** Applies the switches that take effect before the record at {@code position}. */
    private void applySwitches(RecordPosition position) {
        while (nextSwitch < switches.size() && switches.get(nextSwitch).after().compareTo(position) < 0) {
            join.use(switches.get(nextSwitch++).tables());
        }
    }

    /** The switches a progress at {@code checkpoint} keeps: the one in effect there and every later one. */
    private List<ReferenceVersions> versionsAt(RecordPosition checkpoint, TableSwitch pending) {
        if (join == null) {
            return List.of();
        }
        List<TableSwitch> all = new ArrayList<>(switches);
        if (pending != null) {
            all.add(pending);
        }
        int first = 0;
        for (int i = 1; i < all.size(); i++) {
            if (checkpoint != null && all.get(i).after().compareTo(checkpoint) <= 0) {
                first = i;
            }
        }
        return all.subList(first, all.size()).stream().map(TableSwitch::versions).toList();
    }

    public String shardId() {
        return shardId;
    }

    /**
     * Takes in the next record of the shard. Bad data never throws: it becomes a dead letter. A record whose
     * position is not after the last one seen (or after the restored checkpoint) is ignored as a redelivery.
     *
     * @throws IllegalStateException after {@link #endOfInput()}
     */
    public void process(InputRecord record) {
        if (ended) {
            throw new IllegalStateException("shard " + shardId + " has ended: no record may follow endOfInput()");
        }
        if (lastPosition != null && record.position().compareTo(lastPosition) <= 0) {
            redeliveriesIgnored++;
            return;
        }
        replayIdleAdvances(record.position(), false);
        lastPosition = record.position();
        long index = planner.nextIndex();
        lateOfRecord.clear();
        String reason = decoder.decode(record.data(), fields);
        if (join != null && reason == null) {
            applySwitches(record.position());
            join.join(fields);
        }
        if (reason == null) {
            for (int m = 0; m < metrics.length; m++) {
                MetricReader reader = readers[m];
                MetricState metric = metrics[m];
                String derivedProblem = reader.derive(fields);
                if (derivedProblem != null) {
                    // Its fields are unknown, so neither its time nor its filter can be trusted: nothing of this
                    // metric moves (the other metrics still take the record).
                    reason = reason == null ? derivedProblem : reason;
                    maxTimes[m] = metric.maxTime;
                    continue;
                }
                String timeProblem = reader.readTime(fields, record);
                EventFilter.Outcome taken = reader.filter(fields);
                String problem = taken != EventFilter.Outcome.MATCH ? null
                        : timeProblem != null ? timeProblem : reader.readFields(fields);
                if (taken == EventFilter.Outcome.OVER_BUDGET) {
                    problem = reader.overBudgetReason();
                }
                if (problem != null && reason == null) {
                    reason = problem;
                }
                if (taken == EventFilter.Outcome.MATCH && problem == null) {
                    metric.accept(index, record, fields, lateOfRecord);
                } else if (timeProblem == null) {
                    // Counted nowhere, but its time moves the watermark: a shard whose records this metric's filter
                    // rejects (or that lack another of its fields) still closes the metric's windows and marks them.
                    metric.observe(reader.eventTime);
                }
                metric.fireReady(fired, shardId);
                maxTimes[m] = metric.maxTime;
            }
        }
        DeadLetter deadLetter = null;
        if (reason != null) {
            deadLetter = new DeadLetter(record, reason);
            deadLettered++;
        }
        planner.add(record, maxTimes, deadLetter, lateOfRecord);
        recordsProcessed++;
        replayIdleAdvances(record.position(), true);
    }

    /**
     * The shard has had no records for {@code idleMillis} of processing time (the caller measures it: the engine reads
     * no clock): every metric's highest event time moves on by {@code idleMillis}, as if an event that much later had
     * arrived, and the windows that closes fire; also when nothing is open, so the shard's fired-through mark keeps
     * following the other shards. A metric without an event time yet (the shard read none it could time) takes its
     * entry of {@code startTimes} instead (the caller's choice, e.g. the other shards' lowest mark); one absent there
     * stays without a time. A record arriving after this with an older time is late for the windows that closes. The
     * caller must store {@link #idleProgress()} before writing the results this fires or the marks it moves: they rely
     * on the decision, and a replay that did not repeat it would decide lateness otherwise.
     *
     * @param startTimes per metric name, the highest event time to take if it has none yet (epoch millis)
     * @return whether some metric's time moved (false: the input ended, or no metric has a time or a start)
     */
    public boolean advanceIdle(long idleMillis, Map<String, Long> startTimes) {
        if (idleMillis <= 0) {
            throw new IllegalArgumentException("idle time must be positive, got " + idleMillis + " ms");
        }
        if (ended) {
            return false;
        }
        boolean moved = false;
        for (MetricState metric : metrics) {
            if (metric.maxTime != CheckpointPlanner.NO_TIME) {
                metric.maxTime = metric.maxTime > Long.MAX_VALUE - idleMillis ? Long.MAX_VALUE
                        : metric.maxTime + idleMillis;
                moved = true;
            } else if (startTimes.containsKey(metric.name)) {
                // Kept in the supported event-time range, as an event's time is.
                metric.maxTime = Math.max(MetricSpec.MIN_EVENT_TIME,
                        Math.min(MetricSpec.MAX_EVENT_TIME, startTimes.get(metric.name)));
                moved = true;
            }
        }
        if (moved) {
            applyAdvance();
        }
        return moved;
    }

    /**
     * What to store before writing results that rely on an idle decision: the committed checkpoint's progress with
     * every idle decision taken (or restored and not yet replayed) after it, under the same checkpoint.
     */
    public ShardProgress idleProgress() {
        List<IdleAdvance> advances = new ArrayList<>(planner.idleAdvances());
        advances.addAll(toReplay);
        return committedProgress.withIdleAdvances(advances)
                .withReferenceVersions(versionsAt(committedProgress.checkpoint(), null));
    }

    /** {@link #idleProgress()} with the tables last {@link #offerTables offered} in effect after the last record. */
    public ShardProgress reloadProgress() {
        return idleProgress().withReferenceVersions(versionsAt(committedProgress.checkpoint(), offered));
    }

    /**
     * Applies the restored idle decisions due at {@code position}: those after an earlier record (the replay did not
     * deliver their record), and with {@code includingAt} those right after it.
     */
    private void replayIdleAdvances(RecordPosition position, boolean includingAt) {
        while (!toReplay.isEmpty()) {
            RecordPosition after = toReplay.peekFirst().after();
            // A decision before the shard's first record (after == null) is due at once.
            int order = after == null ? -1 : position == null ? 1 : after.compareTo(position);
            if (order > 0 || (order == 0 && !includingAt)) {
                return;
            }
            Map<String, Long> raised = toReplay.removeFirst().maxTimes();
            for (MetricState metric : metrics) {
                metric.maxTime = Math.max(metric.maxTime, raised.getOrDefault(metric.name, CheckpointPlanner.NO_TIME));
            }
            applyAdvance();
        }
    }

    /** Fires what the raised times close and records the decision at the last record. */
    private void applyAdvance() {
        for (int m = 0; m < metrics.length; m++) {
            metrics[m].fireReady(fired, shardId);
            maxTimes[m] = metrics[m].maxTime;
        }
        planner.advance(lastPosition, maxTimes);
    }

    /**
     * The window results fired since the last call, in firing order; the caller owns the returned list. Write them
     * as idempotent upserts keyed by (metric, window start, key, shard): a replay may fire the same results again,
     * always with the same values.
     */
    public List<WindowResult> takeFiredResults() {
        List<WindowResult> taken = fired;
        fired = new ArrayList<>();
        return taken;
    }

    /**
     * Plans a checkpoint: with snapshots, at the last record processed, the plan holding a snapshot of the open state
     * there; without, at the record just before the first record of the oldest open window (over all metrics,
     * windows and keys), or at the last record processed if no window is open. Calling it again before
     * {@link #commit} returns a plan with the same first position and a possibly later end; writing that one
     * overwrites the earlier one's objects.
     * <p>
     * Precondition: every result returned by {@link #takeFiredResults} so far is durably written.
     *
     * @return empty if that position is not after the last committed (or restored) checkpoint
     * @throws IllegalStateException if fired results have not been taken yet
     */
    public Optional<CheckpointPlan> planCheckpoint() {
        if (!fired.isEmpty()) {
            throw new IllegalStateException("shard " + shardId + " has " + fired.size() + " fired results not taken: "
                    + "take and write them before planning a checkpoint");
        }
        long oldestOpen = CheckpointPlanner.NOTHING_OPEN;
        Map<String, Long> maxTimeFired = new HashMap<>();
        Map<String, Long> drainedThrough = new HashMap<>();
        for (MetricState metric : metrics) {
            if (!snapshotting) {
                oldestOpen = Math.min(oldestOpen, metric.oldestOpenRecordIndex());
            }
            if (metric.maxTimeFired() != CheckpointPlanner.NO_TIME) {
                maxTimeFired.put(metric.name, metric.maxTimeFired());
            }
            long drained = ended ? metric.drainedThroughAfterDrain() : metric.drainedThrough;
            if (drained != CheckpointPlanner.NO_TIME) {
                drainedThrough.put(metric.name, drained);
            }
        }
        Optional<CheckpointPlan> plan = planner.plan(oldestOpen, maxTimeFired, drainedThrough);
        if (join != null) {
            plan = plan.map(cut -> cut.withProgress(cut.progress().withReferenceVersions(
                    versionsAt(cut.checkpointAt(), null))));
        }
        // After the input ended nothing is open: the plan is at the last record without one, as the replay rule has it.
        if (!snapshotting || ended) {
            return plan;
        }
        return plan.map(cut -> {
            byte[] state = StateSnapshot.write(metrics);
            return cut.withSnapshot(state, StateSnapshot.id(state));
        });
    }

    /**
     * Drops the records a plan covered. Call only after the plan's objects and progress are stored and KCL has
     * checkpointed at {@code plan.checkpointAt()}; if any of that failed, do not commit (plan again later instead).
     *
     * @throws IllegalStateException if the plan does not start at this engine's open interval
     */
    public void commit(CheckpointPlan plan) {
        planner.commit(plan);
        committedProgress = plan.progress();
        if (join != null) {
            // Keeps what a progress at the new checkpoint names: the switch in effect there and the later ones.
            int dropped = switches.size() - versionsAt(plan.checkpointAt(), null).size();
            switches.subList(0, dropped).clear();
            nextSwitch = Math.max(0, nextSwitch - dropped);
        }
    }

    /**
     * Offers the newest reference tables: if their versions differ from those in use, {@link #reloadProgress()} names
     * them as in effect right after the last record processed, and {@link #takeOfferedTables()} switches to them
     * once the caller stored that progress. A replay from any stored progress thus joins every record with the
     * version the first run joined it with.
     *
     * @return whether there is a reload to store (false: the same versions, no references, a reference without a
     *         table in {@code newest}, or a restored switch still ahead of the replay, which keeps switches in order)
     */
    public boolean offerTables(Map<String, ReferenceTable> newest) {
        offered = null;
        if (join == null || restoredSwitchAhead() || !join.coveredBy(newest.keySet())
                || TableSwitch.versionsOf(switches.get(switches.size() - 1).tables())
                .equals(TableSwitch.versionsOf(newest))) {
            return false;
        }
        offered = new TableSwitch(lastPosition, Map.copyOf(newest));
        return true;
    }

    /**
     * Whether a restored switch lies after the last record (the replay has not reached it): a reload now would
     * come before it. One right at the last record is superseded by a reload there.
     */
    private boolean restoredSwitchAhead() {
        return nextSwitch < switches.size()
                && (lastPosition == null || switches.get(switches.size() - 1).after().compareTo(lastPosition) > 0);
    }

    /**
     * Switches to the tables last offered, whose progress the caller stored.
     *
     * @throws IllegalStateException if a record was processed since the offer (its progress names another record)
     */
    public void takeOfferedTables() {
        if (offered == null || !Objects.equals(offered.after(), lastPosition)) {
            throw new IllegalStateException("shard " + shardId + " has no reload offered after its last record");
        }
        switches.add(offered);
        join.use(offered.tables());
        nextSwitch = switches.size();
        offered = null;
    }

    /**
     * Per metric, the "fired through" time T: every window (or session) of it ending at or before T on this shard
     * has fired, so once the results taken so far are written, a reader may treat this shard's share of such a
     * window as complete. T is the watermark ({@link #FIRED_EVERYTHING} after {@link #endOfInput()}, for every
     * metric); a metric without a watermark yet (no valid event) is absent: it has fired nothing.
     */
    public Map<String, Long> firedThrough() {
        Map<String, Long> through = new HashMap<>();
        for (MetricState metric : metrics) {
            long watermark = ended ? FIRED_EVERYTHING : metric.watermark();
            if (watermark != CheckpointPlanner.NO_TIME) {
                through.put(metric.name, watermark);
            }
        }
        return through;
    }

    /**
     * The input is complete (shard end, or an operator's drain of a bounded input): fires every open window, as its
     * records on this shard are all in. The next {@link #planCheckpoint} then covers every record processed.
     * Idempotent. The progress planned afterwards is final: the shard must receive no more records.
     */
    public void endOfInput() {
        for (MetricState metric : metrics) {
            metric.fireAll(fired, shardId);
        }
        ended = true;
    }

    public EngineStats stats() {
        long late = 0;
        long replaySkipped = 0;
        long duplicates = 0;
        long overflowed = 0;
        long windowsFired = 0;
        long resultsFired = 0;
        int openWindows = 0;
        long keys = 0;
        long dedupIds = 0;
        for (MetricState metric : metrics) {
            late += metric.late;
            replaySkipped += metric.replaySkipped;
            duplicates += metric.duplicatesDropped;
            overflowed += metric.overflowed;
            windowsFired += metric.windowsFired;
            resultsFired += metric.resultsFired;
            openWindows += metric.openWindows();
            keys += metric.keysInState();
            dedupIds += metric.dedupIds();
        }
        return new EngineStats(recordsProcessed, redeliveriesIgnored, deadLettered, late, replaySkipped, duplicates,
                overflowed, windowsFired, resultsFired, openWindows, keys, dedupIds, planner.bufferedRecords());
    }
}
