package io.rtpipe.core.spec;

import io.rtpipe.core.budget.MemoryBudget;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.metric.AggregateSpec;
import io.rtpipe.core.metric.FieldPath;
import io.rtpipe.core.metric.HoppingWindows;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.SessionWindows;
import io.rtpipe.core.metric.StaggerWindows;
import io.rtpipe.core.metric.TimestampSource;
import io.rtpipe.core.metric.TumblingWindows;
import io.rtpipe.core.metric.WindowSpec;
import io.rtpipe.core.reference.ReferenceSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes an {@link EngineConfig} as the YAML spec {@link SpecLoader} reads back to the same metrics (equal
 * definitions, hence equal fingerprints), in the style of docs/metrics.md: one flow mapping per window and aggregate,
 * settings left at their default omitted. The other half of the YAML format, so that a spec compiled from another
 * language (KDA SQL, for {@code rtpipe migrate}) can be handed on as YAML.
 */
public final class SpecWriter {

    /** Plain YAML scalars: names, field paths, function names, numbers. Anything else is double-quoted. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*|-?[0-9]+(\\.[0-9]+)?");
    /** Words YAML 1.1 reads as booleans or null rather than strings. */
    private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

    private SpecWriter() {
    }

    /** The YAML text of {@code config}, ending in a line break. */
    public static String write(EngineConfig config) {
        StringBuilder out = new StringBuilder();
        decoder(out, config.decoder());
        if (!config.memoryBudget().equals(MemoryBudget.DEFAULT)) {
            MemoryBudget budget = config.memoryBudget();
            out.append("memory_budget: {per_shard: ").append(size(budget.perShardBytes()))
                    .append(", events_per_second: ").append(budget.eventsPerSecond())
                    .append(", value_bytes: ").append(budget.valueBytes()).append("}\n");
        }
        if (!config.references().isEmpty()) {
            out.append("references:\n");
            config.references().forEach(reference -> reference(out, reference));
        }
        out.append("metrics:\n");
        for (MetricSpec metric : config.metrics()) {
            metric(out, metric);
        }
        return out.toString();
    }

    /** Bytes in the largest whole unit of 1,024 a spec takes: 512MB, 1536KB, 100B. */
    private static String size(long bytes) {
        String[] names = {"TB", "GB", "MB", "KB"};
        for (int i = 0; i < names.length; i++) {
            long unit = 1L << (10 * (names.length - i));
            if (bytes % unit == 0) {
                return bytes / unit + names[i];
            }
        }
        return bytes + "B";
    }

    /** A duration as a spec writes it: 1m, 30s, 1500ms, 2h, 1d. */
    public static String duration(Duration d) {
        long ms = d.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms != 0 && ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }

    private static void decoder(StringBuilder out, DecoderSpec decoder) {
        if (decoder instanceof DecoderSpec.Csv csv) {
            out.append("decoder: {type: csv, header: ").append(list(csv.header())).append(", delimiter: ")
                    .append(quoted(String.valueOf(csv.delimiter()))).append("}\n");
        } else if (decoder instanceof DecoderSpec.Regex regex) {
            out.append("decoder: {type: regex, pattern: ").append(quoted(regex.pattern().pattern())).append("}\n");
        } else if (decoder instanceof DecoderSpec.Avro avro) {
            out.append("decoder: {type: avro, framing: ").append(avro.framing().specName());
            if (avro.schema() != null) {
                out.append(", schema: ").append(quoted(avro.schema()));
            }
            if (avro.registryUrl() != null) {
                out.append(", registry_url: ").append(quoted(avro.registryUrl().toString()));
            }
            out.append("}\n");
        } else if (decoder instanceof DecoderSpec.Protobuf protobuf) {
            out.append("decoder: {type: protobuf, framing: ").append(protobuf.framing().specName())
                    .append(", descriptor: ").append(quoted(protobuf.descriptorFile())).append(", message: ")
                    .append(quoted(protobuf.message().getFullName())).append("}\n");
        }
    }

    private static void reference(StringBuilder out, ReferenceSpec reference) {
        out.append("  - {name: ").append(reference.name()).append(", ").append(reference.source().specKey())
                .append(": ").append(quoted(reference.source().location()));
        if (reference.format() != null) {
            out.append(", format: ").append(reference.format().specName());
        }
        out.append(", key: ").append(scalar(reference.key())).append(", on: ").append(scalar(reference.on().toString()))
                .append(", reload: ").append(duration(reference.reload())).append("}\n");
    }

    private static void metric(StringBuilder out, MetricSpec metric) {
        out.append("  - name: ").append(metric.name()).append('\n');
        derive(out, metric);
        if (metric.filter() != null) {
            out.append("    filter: ").append(quoted(metric.filter().source())).append('\n');
        }
        if (!metric.groupBy().isEmpty()) {
            out.append("    group_by: ").append(list(metric.groupBy().stream().map(FieldPath::toString).toList()))
                    .append('\n');
        }
        out.append("    timestamp: ").append(timestamp(metric.timestamp())).append('\n');
        out.append("    window: ").append(window(metric.windows())).append('\n');
        if (!metric.allowedLateness().equals(MetricSpec.DEFAULT_ALLOWED_LATENESS)) {
            out.append("    allowed_lateness: ").append(duration(metric.allowedLateness())).append('\n');
        }
        if (metric.dedupField() != null) {
            out.append("    dedup: {field: ").append(scalar(metric.dedupField().toString())).append("}\n");
        }
        if (metric.maxKeysPerWindow() != MetricSpec.DEFAULT_MAX_KEYS_PER_WINDOW) {
            out.append("    max_keys_per_window: ").append(metric.maxKeysPerWindow()).append('\n');
        }
        out.append("    aggregates:\n");
        for (AggregateSpec aggregate : metric.aggregates()) {
            List<String> entries = new ArrayList<>();
            entries.add("name: " + aggregate.name());
            entries.add("fn: " + scalar(aggregate.fn()));
            if (aggregate.field() != null) {
                entries.add("field: " + scalar(aggregate.field().toString()));
            }
            if (!aggregate.fields().isEmpty()) {
                entries.add("fields: " + list(aggregate.fields().stream().map(FieldPath::toString).toList()));
            }
            aggregate.params().forEach((key, value) -> entries.add(key + ": " + scalar(value)));
            out.append("      - {").append(String.join(", ", entries)).append("}\n");
        }
        if (!metric.outputs().isEmpty()) {
            out.append("    outputs: ").append(metric.outputs().stream()
                    .map(output -> "{" + output.kind().specName() + ": " + scalar(output.target()) + "}")
                    .collect(Collectors.joining(", ", "[", "]"))).append('\n');
        }
        if (metric.alert() != null) {
            out.append("    alert: {when: ").append(quoted(metric.alert().when()));
            if (!metric.alert().throttle().isZero()) {
                out.append(", throttle: ").append(duration(metric.alert().throttle()));
            }
            out.append("}\n");
        }
    }

    private static void derive(StringBuilder out, MetricSpec metric) {
        if (!metric.derived().isEmpty()) {
            out.append("    derive: {").append(metric.derived().entrySet().stream()
                    .map(e -> scalar(e.getKey()) + ": " + quoted(e.getValue().source()))
                    .collect(Collectors.joining(", "))).append("}\n");
        }
    }

    private static String timestamp(TimestampSource timestamp) {
        if (!(timestamp instanceof TimestampSource.EventTimeField field)) {
            return "arrival";
        }
        String path = scalar(field.field().toString());
        if (field.format() == TimestampSource.TimeFormat.EPOCH_MILLIS
                && field.maxAhead().equals(TimestampSource.DEFAULT_MAX_AHEAD)) {
            return path;
        }
        StringBuilder text = new StringBuilder("{field: ").append(path);
        if (field.format() != TimestampSource.TimeFormat.EPOCH_MILLIS) {
            text.append(", format: ").append(field.format().specName());
        }
        if (!field.maxAhead().equals(TimestampSource.DEFAULT_MAX_AHEAD)) {
            text.append(", max_ahead: ").append(duration(field.maxAhead()));
        }
        return text.append('}').toString();
    }

    private static String window(WindowSpec window) {
        if (window instanceof TumblingWindows tumbling) {
            return "{type: tumbling, size: " + duration(tumbling.size()) + "}";
        }
        if (window instanceof HoppingWindows hopping) {
            return "{type: hopping, size: " + duration(hopping.size()) + ", slide: " + duration(hopping.slide()) + "}";
        }
        if (window instanceof StaggerWindows stagger) {
            return "{type: stagger, size: " + duration(stagger.size())
                    + (stagger.equals(StaggerWindows.of(stagger.size())) ? ""
                    : ", max_length: " + duration(stagger.maxLength())) + "}";
        }
        SessionWindows session = (SessionWindows) window;
        return "{type: session, gap: " + duration(session.gap())
                + (session.maxLength().equals(SessionWindows.DEFAULT_MAX_LENGTH) ? ""
                : ", max_length: " + duration(session.maxLength())) + "}";
    }

    private static String list(List<String> items) {
        return items.stream().map(SpecWriter::scalar).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String scalar(String text) {
        return PLAIN.matcher(text).matches() && !RESERVED.contains(text.toLowerCase(Locale.ROOT)) ? text
                : quoted(text);
    }

    /** A YAML double-quoted scalar: backslash, quote and control characters escaped. */
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
