package io.rtpipe.core.publish;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.KeyedWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.metric.WindowAssigner;
import io.rtpipe.core.result.MergedResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Hands each metric's final windows to each {@link FinalResultsSink}, once they are final on every shard, in
 * window-start order, remembering per (metric, sink) how far it got.
 *
 * <p>One round, per metric: read the {@link ShardMarks}; from them the instant {@code completeThrough} before which
 * every window starting is final (a window is final when every shard's mark is at or past its end; a fixed window
 * starting before T ends before T + its size; a session starting before a multiple of its maximum length ends by
 * that multiple, where sessions are cut); then per sink, from its cursor: skip to the first stored window, let the
 * sink cut the range ({@link FinalResultsSink#rangeEnd}), read the range's merged rows, publish, store the cursor,
 * and go on until the sink waits. A range spans at most {@code maxRange} of window starts, so a first run over a
 * long-filled results table reads it a day at a time.
 *
 * <p>Crash between publish and cursor store: the next round publishes the same range again, so sinks make a repeat
 * change nothing. Several workers may run rounds at once for the same reason. A sink that throws is retried from
 * the same cursor next round; the other sinks and metrics go on, and the failure is in the {@link Round}.
 */
public final class FinalResultsPublisher {

    /** One range a sink took. */
    public record Published(String metric, String sink, Instant from, Instant to, int rows) {
    }

    /** A range a sink or port could not take, with the one-sentence reason; retried next round. */
    public record Failure(String metric, String sink, String reason) {
    }

    /** What one round did. */
    public record Round(List<Published> published, List<Failure> failures) {
        public Round {
            published = List.copyOf(published);
            failures = List.copyOf(failures);
        }
    }

    /** Where a metric starts when a sink has no cursor yet: the first stored window after it. */
    private static final Instant BEGINNING = Instant.ofEpochMilli(MetricSpec.MIN_EVENT_TIME);
    /** No window starts after the last event time. */
    private static final long END = MetricSpec.MAX_EVENT_TIME + 1;

    private final EngineConfig engine;
    private final List<FinalResultsSink> sinks;
    private final ShardMarksPort marks;
    private final MergedRowsPort rows;
    private final PublishCursorPort cursors;
    private final Duration maxRange;

    public FinalResultsPublisher(EngineConfig engine, List<FinalResultsSink> sinks, ShardMarksPort marks,
                                 MergedRowsPort rows, PublishCursorPort cursors, Duration maxRange) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.sinks = List.copyOf(sinks);
        this.marks = Objects.requireNonNull(marks, "marks");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.cursors = Objects.requireNonNull(cursors, "cursors");
        if (maxRange.isNegative() || maxRange.isZero()) {
            throw new IllegalArgumentException("the publisher's range must be positive, got " + maxRange);
        }
        this.maxRange = maxRange;
    }

    /** A round over every metric and sink. */
    public Round publish() {
        List<Published> published = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (MetricSpec metric : engine.metrics()) {
            Optional<Instant> complete;
            try {
                complete = completeThrough(metric, marks.marks(metric.name()).firedThrough());
            } catch (RuntimeException e) {
                sinks.forEach(sink -> failures.add(failure(metric, sink, "reading the shards' marks", e)));
                continue;
            }
            if (complete.isEmpty()) {
                continue;
            }
            for (FinalResultsSink sink : sinks) {
                if (!sink.takes(metric)) {
                    continue;
                }
                try {
                    publish(metric, sink, complete.get(), published);
                } catch (RuntimeException e) {
                    failures.add(failure(metric, sink, "publishing", e));
                }
            }
        }
        return new Round(published, failures);
    }

    private void publish(MetricSpec metric, FinalResultsSink sink, Instant completeThrough, List<Published> out) {
        Instant cursor = cursors.load(metric.name(), sink.name()).orElse(BEGINNING);
        while (cursor.isBefore(completeThrough)) {
            Optional<Instant> first = rows.firstWindowStart(metric, cursor, completeThrough);
            if (first.isEmpty()) {
                return;
            }
            Instant from = first.get();
            Instant limit = from.plus(maxRange).isBefore(completeThrough) ? from.plus(maxRange) : completeThrough;
            Instant to = sink.rangeEnd(from, limit);
            if (!to.isAfter(from)) {
                return;
            }
            if (to.isAfter(limit)) {
                throw new IllegalStateException("sink " + sink.name() + " asked for a range to " + to
                        + ", past the final windows' end " + limit);
            }
            List<MergedResult> range = rows.merged(metric, from, to);
            sink.publish(metric, from, to, range);
            cursors.store(metric.name(), sink.name(), to);
            out.add(new Published(metric.name(), sink.name(), from, to, range.size()));
            cursor = to;
        }
    }

    /**
     * The instant before which every window of {@code metric} starting is final, given that every window ending at
     * or before {@code firedThrough} is; empty while some shard has no mark.
     */
    static Optional<Instant> completeThrough(MetricSpec metric, long firedThrough) {
        if (firedThrough == Long.MIN_VALUE) {
            return Optional.empty();
        }
        long through = Math.min(firedThrough, END);
        long complete;
        if (metric.windows() instanceof KeyedWindows keyed) {
            // Sessions and stagger windows are cut at multiples of maxLength: one starting before such a multiple
            // ends by it; a stagger window also ends size after its start, whichever comes first.
            complete = Math.floorDiv(through, keyed.maxLengthMillis()) * keyed.maxLengthMillis();
            if (keyed instanceof StaggerWindows stagger) {
                complete = Math.max(complete, through - stagger.sizeMillis() + 1);
            }
        } else {
            // A window starting before T ends before T + size, so by firedThrough if T = firedThrough - size + 1.
            complete = through - ((WindowAssigner) metric.windows()).sizeMillis() + 1;
        }
        return complete <= MetricSpec.MIN_EVENT_TIME ? Optional.empty() : Optional.of(Instant.ofEpochMilli(complete));
    }

    private static Failure failure(MetricSpec metric, FinalResultsSink sink, String doing, RuntimeException e) {
        return new Failure(metric.name(), sink.name(), doing + " " + metric.name() + " to " + sink.name()
                + " failed (retried next round): " + e.getMessage());
    }
}
