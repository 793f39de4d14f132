package io.rtpipe.cli;

import io.rtpipe.core.budget.MemoryBudget;
import io.rtpipe.core.budget.StateEstimate;
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
import io.rtpipe.core.spec.SpecWriter;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints a compiled {@link EngineConfig} as the engine will run it: the decoder, then per metric one block of filter,
 * group-by, timestamp, window, lateness, dedup, aggregates and worst-case state, then the memory budget and the
 * metrics' worst-case state together. It reads the compiled objects, not the spec's text, so
 * it shows defaults filled in and serves any spec language that compiles to an {@code EngineConfig}.
 */
final class PlanPrinter {

    private static final String INDENT = "  ";
    private static final int LABEL_WIDTH = 12;

    private PlanPrinter() {
    }

    static void print(PrintWriter out, String source, EngineConfig engine) {
        out.println(source + ": " + engine.metrics().size() + " metric(s), records decoded as "
                + decoder(engine.decoder()));
        MemoryBudget budget = engine.memoryBudget();
        long total = 0;
        for (MetricSpec metric : engine.metrics()) {
            out.println();
            out.println("metric " + metric.name());
            line(out, "filter", metric.filter() == null ? "(none: every record)" : metric.filter().toString());
            line(out, "group by", metric.groupBy().isEmpty() ? "(nothing: one key for all)"
                    : metric.groupBy().stream().map(FieldPath::toString).collect(Collectors.joining(", ")));
            line(out, "timestamp", timestamp(metric.timestamp()));
            line(out, "window", window(metric.windows()));
            line(out, "lateness", SpecWriter.duration(metric.allowedLateness()) + " (later records go to late/)");
            line(out, "dedup", metric.dedupField() == null ? "(none)"
                    : "by " + metric.dedupField() + " within a window");
            line(out, "max keys", String.format("%,d per window and shard", metric.maxKeysPerWindow()));
            List<AggregateSpec> aggregates = metric.aggregates();
            for (int i = 0; i < aggregates.size(); i++) {
                line(out, i == 0 ? "aggregates" : "", aggregate(aggregates.get(i)));
            }
            StateEstimate estimate = StateEstimate.of(metric, budget);
            total = Math.addExact(total, estimate.bytes());
            line(out, "state", "at most " + MemoryBudget.format(estimate.bytes()) + " per shard ("
                    + estimate.factors() + ")");
        }
        out.println();
        out.println("worst-case window state " + MemoryBudget.format(total) + " per shard in all, of the "
                + MemoryBudget.format(budget.perShardBytes()) + " memory_budget.per_shard (assuming "
                + budget.assumptions() + ")");
        out.flush();
    }

    private static void line(PrintWriter out, String label, String value) {
        out.println(INDENT + String.format("%-" + LABEL_WIDTH + "s", label) + value);
    }

    private static String decoder(DecoderSpec decoder) {
        if (decoder instanceof DecoderSpec.Csv csv) {
            return "CSV (delimiter '" + csv.delimiter() + "', columns " + String.join(", ", csv.header()) + ")";
        }
        if (decoder instanceof DecoderSpec.Regex regex) {
            return "text matched by /" + regex.pattern().pattern() + "/";
        }
        if (decoder instanceof DecoderSpec.Avro avro) {
            return "Avro (" + avro.framing().specName() + " framing, writer schema "
                    + (avro.schema() != null ? "from the spec" : avro.registryUrl() != null
                    ? "from the registry at " + avro.registryUrl() : "from the Glue Schema Registry") + ")";
        }
        if (decoder instanceof DecoderSpec.Protobuf protobuf) {
            return "Protobuf message " + protobuf.message().getFullName() + " (" + protobuf.framing().specName()
                    + " framing, descriptor set " + protobuf.descriptorFile() + ")";
        }
        return "JSON (one object per record)";
    }

    private static String timestamp(TimestampSource timestamp) {
        if (timestamp instanceof TimestampSource.EventTimeField field) {
            return "event time from field " + field.field() + " (epoch milliseconds)";
        }
        return "arrival time in Kinesis";
    }

    private static String window(WindowSpec window) {
        if (window instanceof TumblingWindows tumbling) {
            return "tumbling " + SpecWriter.duration(tumbling.size());
        }
        if (window instanceof HoppingWindows hopping) {
            return "hopping " + SpecWriter.duration(hopping.size()) + ", every "
                    + SpecWriter.duration(hopping.slide());
        }
        if (window instanceof SessionWindows session) {
            return "session, closed after a gap of " + SpecWriter.duration(session.gap()) + " per key, cut at every "
                    + SpecWriter.duration(session.maxLength()) + " since the epoch (max_length)";
        }
        if (window instanceof StaggerWindows stagger) {
            return "stagger " + SpecWriter.duration(stagger.size()) + " from each key's first event, cut at every "
                    + SpecWriter.duration(stagger.maxLength()) + " since the epoch (max_length)";
        }
        return window.toString();
    }

    private static String aggregate(AggregateSpec aggregate) {
        List<String> arguments = new ArrayList<>();
        if (aggregate.field() != null) {
            arguments.add(aggregate.field().toString());
        }
        aggregate.fields().forEach(field -> arguments.add(field.toString()));
        aggregate.params().forEach((key, value) -> arguments.add(key + "=" + value));
        return aggregate.name() + " = " + aggregate.fn()
                + (arguments.isEmpty() ? "" : "(" + String.join(", ", arguments) + ")");
    }
}
