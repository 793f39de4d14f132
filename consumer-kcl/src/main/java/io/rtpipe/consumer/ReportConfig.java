package io.rtpipe.consumer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a worker reports about itself, once per {@link #interval()}: metrics in CloudWatch embedded metric format on
 * stdout ({@link EmfPublisher}) and a health file for the container health check ({@link HealthFile}). Both are off
 * unless named; {@link #NONE} is what tests and {@code rtpipe local} use.
 *
 * @param metricsNamespace      CloudWatch namespace of the EMF lines, or null for none
 * @param healthFile            the health file, or null for none
 * @param interval              time between reports; default 60 s (one EMF line per worker per minute)
 * @param maxUncheckpointedAge  a worker whose {@link ConsumerStats.Snapshot#oldestUncheckpointedAge()} exceeds this is
 *                              unhealthy; default 30 min. Must exceed the longest window plus its allowed lateness:
 *                              the records of an open window are not checkpointed before it fires
 */
public record ReportConfig(String metricsNamespace, Path healthFile, Duration interval, Duration maxUncheckpointedAge) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_UNCHECKPOINTED_AGE = Duration.ofMinutes(30);

    /** No metrics, no health file. */
    public static final ReportConfig NONE = of(null, null);

    public ReportConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(maxUncheckpointedAge, "maxUncheckpointedAge");
        if (interval.isNegative() || interval.isZero() || maxUncheckpointedAge.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("the report interval must be positive and shorter than the "
                    + "uncheckpointed age that makes a worker unhealthy");
        }
        if (metricsNamespace != null && metricsNamespace.isBlank()) {
            metricsNamespace = null;
        }
    }

    /** The given outputs (null for none) with the default interval and age limit. */
    public static ReportConfig of(String metricsNamespace, Path healthFile) {
        return new ReportConfig(metricsNamespace, healthFile, DEFAULT_INTERVAL, DEFAULT_MAX_UNCHECKPOINTED_AGE);
    }

    public Optional<String> metricsNamespaceIfAny() {
        return Optional.ofNullable(metricsNamespace);
    }

    public Optional<Path> healthFileIfAny() {
        return Optional.ofNullable(healthFile);
    }

    boolean reportsAnything() {
        return metricsNamespace != null || healthFile != null;
    }
}
