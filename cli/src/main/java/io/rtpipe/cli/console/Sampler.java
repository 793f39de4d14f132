package io.rtpipe.cli.console;

import io.rtpipe.connectors.s3.IntervalKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Samples the stream and the archive once per refresh on one thread, however many pages are open, and keeps the
 * rates of the last {@link #HISTORY_POINTS} samples for the throughput chart.
 */
final class Sampler {

    static final int HISTORY_POINTS = 300;
    private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

    private final ConsoleConfig config;
    private final StreamWatch stream;
    private final ArchiveWatch archive;
    private final LongSupplier clock;
    private final Deque<Overview.Rates> history = new ArrayDeque<>();
    private final List<Overview.MetricName> metrics;
    private volatile Overview latest;

    Sampler(ConsoleConfig config, StreamWatch stream, ArchiveWatch archive, LongSupplier clock) {
        this.config = config;
        this.stream = stream;
        this.archive = archive;
        this.clock = clock;
        this.metrics = config.engine().metrics().stream()
                .map(spec -> new Overview.MetricName(spec.name(), ResultsView.describe(spec.windows())))
                .toList();
        this.latest = new Overview(config.stream(), config.application(), null, "not sampled yet",
                new Overview.Rates(clock.getAsLong(), 0, 0, 0, 0), List.of(), List.of(), metrics);
    }

    /**
     * One sample. The stream and the archive are sampled apart, so one failing (Kinesis overloaded, the bucket
     * missing) leaves the other's figures fresh; a failure is shown on the page as one sentence and retried next time.
     */
    void sample() {
        long now = clock.getAsLong();
        Overview previous = latest;
        List<String> errors = new ArrayList<>();
        List<ShardView> shards = previous.shards();
        try {
            shards = stream.sample(now);
        } catch (RuntimeException e) {
            LOG.warn("Console: sampling the stream failed", e);
            errors.add("reading the stream failed: " + sentence(e));
        }
        try {
            archive.sample(now);
        } catch (RuntimeException e) {
            LOG.warn("Console: sampling the archive failed", e);
            errors.add("reading the bucket failed: " + sentence(e));
        }
        Overview.Rates rates = new Overview.Rates(now, stream.inPerSecond(now),
                archive.perSecond(IntervalKind.RAW, now), archive.perSecond(IntervalKind.LATE, now),
                archive.perSecond(IntervalKind.DEADLETTER, now));
        List<Overview.Rates> points;
        synchronized (history) {
            history.addLast(rates);
            while (history.size() > HISTORY_POINTS) {
                history.removeFirst();
            }
            points = List.copyOf(history);
        }
        latest = new Overview(config.stream(), config.application(), Instant.ofEpochMilli(now).toString(),
                errors.isEmpty() ? null : String.join("; ", errors), rates, points, shards, metrics);
    }

    private static String sentence(RuntimeException e) {
        if (e instanceof ApiCallTimeoutException) {
            return "AWS did not answer within the call timeout; retrying";
        }
        return String.valueOf(e.getMessage());
    }

    Overview latest() {
        return latest;
    }

    List<ArchivedRecord> recent(IntervalKind kind) {
        return archive.recent(kind);
    }
}
