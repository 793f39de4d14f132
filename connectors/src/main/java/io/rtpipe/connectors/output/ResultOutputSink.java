package io.rtpipe.connectors.output;

import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.publish.FinalResultsSink;
import io.rtpipe.core.publish.OutputRecord;
import io.rtpipe.core.result.MergedResult;

import java.time.Instant;
import java.util.List;

/**
 * Publishes every final row of a metric to its outputs of one kind ({@code kinesis}, {@code firehose} or
 * {@code lambda}) as {@link OutputRecord}s. At least once: a range the publisher hands again is sent again, with the
 * same ids and bytes, which is what consumers drop copies by.
 */
public final class ResultOutputSink implements FinalResultsSink {
    private final OutputSpec.Kind kind;
    private final OutputTransport transport;

    public ResultOutputSink(OutputSpec.Kind kind, OutputTransport transport) {
        if (kind.carriesAlerts()) {
            throw new IllegalArgumentException(kind.specName() + " outputs carry alerts: use an AlertSink");
        }
        this.kind = kind;
        this.transport = transport;
    }

    @Override
    public String name() {
        return kind.specName();
    }

    /** Only the metrics naming an output of this kind. */
    @Override
    public boolean takes(MetricSpec metric) {
        return !targets(metric).isEmpty();
    }

    @Override
    public void publish(MetricSpec metric, Instant from, Instant to, List<MergedResult> rows) {
        List<OutputSpec> targets = targets(metric);
        if (targets.isEmpty() || rows.isEmpty()) {
            return;
        }
        List<OutputRecord> records = rows.stream().map(OutputRecord::of).toList();
        for (OutputSpec target : targets) {
            transport.send(target.target(), records);
        }
    }

    private List<OutputSpec> targets(MetricSpec metric) {
        return metric.outputs().stream().filter(output -> output.kind() == kind).toList();
    }
}
