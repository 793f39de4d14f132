package io.rtpipe.core.engine;

import io.rtpipe.core.metric.MetricSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ShardEngine} computes. Immutable; {@link #defaults()} or {@link #builder()}.
 * <p>
 * Defaults: metrics = [{@link MetricSpec#eventsPerMinute()}].
 */
public final class EngineConfig {
    private final List<MetricSpec> metrics;

    private EngineConfig(List<MetricSpec> metrics) {
        this.metrics = List.copyOf(metrics);
    }

    /** The built-in metric only. */
    public static EngineConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The metrics, in a fixed order (it is the order results and dead-letter reasons are produced in). */
    public List<MetricSpec> metrics() {
        return metrics;
    }

    /** The metric named {@code name}, or null. */
    public MetricSpec metric(String name) {
        for (MetricSpec metric : metrics) {
            if (metric.name().equals(name)) {
                return metric;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "EngineConfig" + metrics;
    }

    /** Builds an {@link EngineConfig}. */
    public static final class Builder {
        private final List<MetricSpec> metrics = new ArrayList<>();

        private Builder() {
        }

        /** Adds a metric; names must be distinct. Without any, the config holds the built-in metric. */
        public Builder metric(MetricSpec metric) {
            metrics.add(Objects.requireNonNull(metric, "metric"));
            return this;
        }

        /** Replaces the metrics. */
        public Builder metrics(List<MetricSpec> metrics) {
            this.metrics.clear();
            metrics.forEach(this::metric);
            return this;
        }

        public EngineConfig build() {
            var names = new HashSet<String>();
            for (MetricSpec metric : metrics) {
                if (!names.add(metric.name())) {
                    throw new IllegalArgumentException("two metrics are named '" + metric.name() + "'");
                }
            }
            return new EngineConfig(metrics.isEmpty() ? List.of(MetricSpec.eventsPerMinute()) : metrics);
        }
    }
}
