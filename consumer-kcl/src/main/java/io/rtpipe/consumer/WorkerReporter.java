package io.rtpipe.consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The timer of a worker's reports: once per {@link ReportConfig#interval()} an EMF line ({@link EmfPublisher}) and
 * a health-file update ({@link HealthFile} from {@link WorkerHealth}), each only if configured. One daemon thread;
 * {@link #close()} stops it and deletes the health file, so a stopped worker never looks healthy.
 */
final class WorkerReporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerReporter.class);

    private final ReportConfig reports;
    private final ConsumerStats stats;
    private final BooleanSupplier kclRunning;
    private final EmfPublisher emf;
    private final HealthFile health;
    private final ScheduledExecutorService timer;

    /**
     * Starts reporting at once.
     *
     * @param kclRunning whether the KCL scheduler is running (not failed, thread alive)
     */
    WorkerReporter(ReportConfig reports, ConsumerStats stats, BooleanSupplier kclRunning, String application,
                   String workerId, PrintStream metricsOut) {
        this.reports = reports;
        this.stats = stats;
        this.kclRunning = kclRunning;
        this.emf = reports.metricsNamespaceIfAny()
                .map(ns -> new EmfPublisher(ns, application, workerId, metricsOut))
                .orElse(null);
        this.health = reports.healthFileIfAny().map(HealthFile::new).orElse(null);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtpipe-consumer-report");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::report, 0, reports.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void report() {
        // A failed report is logged, never thrown: an exception would cancel every later run of the timer.
        try {
            ConsumerStats.Snapshot snapshot = stats.snapshot();
            if (emf != null) {
                emf.publish(snapshot, Instant.now());
            }
            if (health != null) {
                WorkerHealth.Status status = WorkerHealth.of(snapshot, kclRunning.getAsBoolean(),
                        reports.maxUncheckpointedAge());
                if (!status.healthy()) {
                    LOG.warn("Worker unhealthy ({}): {}", status.state(), status.reason());
                }
                health.write(status);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not report the worker's metrics or health: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            // A report still running could write the file again after the delete below.
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (health != null) {
            try {
                health.delete();
            } catch (RuntimeException e) {
                LOG.debug("Could not delete the health file: {}", e.getMessage());
            }
        }
    }
}
