package io.rtpipe.core.engine;

import io.rtpipe.core.budget.MemoryBudget;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.event.SchemaRegistry;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.reference.ReferenceSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link ShardEngine} computes and how it decodes records. Immutable; {@link #defaults()}, {@link #builder()},
 * or from a spec file with {@code io.rtpipe.core.spec.SpecLoader.standard().load(path)}.
 * <p>
 * Defaults: metrics = [{@link MetricSpec#eventsPerMinute()}]; decoder = {@link DecoderSpec#json()}; memory budget =
 * {@link MemoryBudget#DEFAULT} (what the spec loader checks the metrics' worst-case state against); references = none;
 * schema registry = {@link SchemaRegistry#NONE} (a spec loader does not connect anywhere: the component that runs a
 * decoder which {@link DecoderSpec#readsRegistry() reads a registry} attaches one with {@link #withSchemaRegistry}).
 */
public final class EngineConfig {
    private final List<MetricSpec> metrics;
    private final DecoderSpec decoder;
    private final MemoryBudget memoryBudget;
    private final List<ReferenceSpec> references;
    private final SchemaRegistry schemaRegistry;

    private EngineConfig(List<MetricSpec> metrics, DecoderSpec decoder, MemoryBudget memoryBudget,
                         List<ReferenceSpec> references, SchemaRegistry schemaRegistry) {
        this.metrics = List.copyOf(metrics);
        this.decoder = decoder;
        this.memoryBudget = memoryBudget;
        this.references = List.copyOf(references);
        this.schemaRegistry = schemaRegistry;
    }

    /** The built-in metric only, JSON records. */
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

    /** How record payloads are decoded. */
    public DecoderSpec decoder() {
        return decoder;
    }

    /** The heap one shard's window state may take, and the estimate's assumptions. */
    public MemoryBudget memoryBudget() {
        return memoryBudget;
    }

    /** The reference tables events are joined with, in spec order (their columns read as {@code NAME.COLUMN}). */
    public List<ReferenceSpec> references() {
        return references;
    }

    /** Where the decoder looks up the writer schemas records name. */
    public SchemaRegistry schemaRegistry() {
        return schemaRegistry;
    }

    /** This config with {@code registry} as its schema registry. */
    public EngineConfig withSchemaRegistry(SchemaRegistry registry) {
        return new EngineConfig(metrics, decoder, memoryBudget, references,
                Objects.requireNonNull(registry, "registry"));
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
        return "EngineConfig[decoder=" + decoder + ", metrics=" + metrics + "]";
    }

    /** Builds an {@link EngineConfig}. */
    public static final class Builder {
        private final List<MetricSpec> metrics = new ArrayList<>();
        private DecoderSpec decoder = DecoderSpec.json();
        private MemoryBudget memoryBudget = MemoryBudget.DEFAULT;
        private final List<ReferenceSpec> references = new ArrayList<>();

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

        public Builder decoder(DecoderSpec decoder) {
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        public Builder memoryBudget(MemoryBudget memoryBudget) {
            this.memoryBudget = Objects.requireNonNull(memoryBudget, "memoryBudget");
            return this;
        }

        /** Adds a reference table; names must be distinct. */
        public Builder reference(ReferenceSpec reference) {
            references.add(Objects.requireNonNull(reference, "reference"));
            return this;
        }

        public EngineConfig build() {
            var referenceNames = new HashSet<String>();
            for (ReferenceSpec reference : references) {
                if (!referenceNames.add(reference.name())) {
                    throw new IllegalArgumentException("two references are named '" + reference.name() + "'");
                }
            }
            var names = new HashSet<String>();
            for (MetricSpec metric : metrics) {
                if (!names.add(metric.name())) {
                    throw new IllegalArgumentException("two metrics are named '" + metric.name() + "'");
                }
            }
            return new EngineConfig(metrics.isEmpty() ? List.of(MetricSpec.eventsPerMinute()) : metrics, decoder,
                    memoryBudget, references, SchemaRegistry.NONE);
        }
    }
}
