package io.rtpipe.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtpipe.contract.ConsumerMetrics;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A worker's metrics as CloudWatch embedded metric format (EMF) lines: one JSON object per report, printed alone on a
 * line of stdout, which the container's awslogs driver ships to CloudWatch Logs, where the metrics are extracted. No
 * PutMetricData calls, no CloudWatch client, no IAM grant.
 *
 * <p>Each line carries two dimension sets, {@code [Application]} (what the alarms read, summed or maxed over the
 * workers) and {@code [Application, WorkerId]} (per worker). Counters are the increase since the previous line of
 * this publisher, so the CloudWatch sum over a period is the work done in it; gauges are the current value.
 *
 * <p>Owns the format; the names are the contract's {@link ConsumerMetrics}, which the CDK app's alarms read.
 */
public final class EmfPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COUNT = "Count";
    private static final String MILLIS = "Milliseconds";

    private final String namespace;
    private final String application;
    private final String workerId;
    private final PrintStream out;
    /** Counters' baseline: the previous line's snapshot, all zero before the first. */
    private ConsumerStats.Snapshot previous = new ConsumerStats.Snapshot(0, 0, 0, 0, 0, 0, 0, Duration.ZERO, 0, 0,
            Duration.ZERO, 0);

    public EmfPublisher(String namespace, String application, String workerId, PrintStream out) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.application = Objects.requireNonNull(application, "application");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Prints the line for {@code now}; counters count from the previous call (from zero on the first). */
    public synchronized void publish(ConsumerStats.Snapshot now, Instant at) {
        out.println(line(now, at));
        out.flush();
    }

    /** The EMF line for {@code now} (advances the counters' baseline). */
    synchronized String line(ConsumerStats.Snapshot now, Instant at) {
        ConsumerStats.Snapshot before = previous;
        previous = now;
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        ArrayNode dimensions = directive.putArray("Dimensions");
        dimensions.addArray().add(ConsumerMetrics.APPLICATION);
        dimensions.addArray().add(ConsumerMetrics.APPLICATION).add(ConsumerMetrics.WORKER_ID);
        root.put(ConsumerMetrics.APPLICATION, application);
        root.put(ConsumerMetrics.WORKER_ID, workerId);
        Metrics metrics = new Metrics(root, directive.putArray("Metrics"));
        metrics.put(ConsumerMetrics.RECORDS_PROCESSED, now.recordsConsumed() - before.recordsConsumed(), COUNT);
        metrics.put(ConsumerMetrics.RESULTS_WRITTEN, now.windowsWritten() - before.windowsWritten(), COUNT);
        metrics.put(ConsumerMetrics.WRITE_FAILURES, now.writeFailures() - before.writeFailures(), COUNT);
        metrics.put(ConsumerMetrics.DEAD_LETTERS, now.deadLetters() - before.deadLetters(), COUNT);
        metrics.put(ConsumerMetrics.LATE_RECORDS, now.lateRecords() - before.lateRecords(), COUNT);
        metrics.put(ConsumerMetrics.OLDEST_UNCHECKPOINTED_AGE, now.oldestUncheckpointedAge().toMillis(), MILLIS);
        metrics.put(ConsumerMetrics.MILLIS_BEHIND_LATEST, now.millisBehindLatest(), MILLIS);
        metrics.put(ConsumerMetrics.SHARDS_HELD, now.shardsHeld(), COUNT);
        return root.toString();
    }

    /** A metric is a declaration in the directive plus a root member of the same name holding the value. */
    private record Metrics(ObjectNode root, ArrayNode declarations) {
        void put(String name, long value, String unit) {
            declarations.addObject().put("Name", name).put("Unit", unit);
            root.put(name, Math.max(0, value));
        }
    }
}
