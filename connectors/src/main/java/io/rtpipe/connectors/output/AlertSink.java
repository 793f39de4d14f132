package io.rtpipe.connectors.output;

import io.rtpipe.connectors.dynamodb.AlertLedger;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import io.rtpipe.core.publish.Alert;
import io.rtpipe.core.publish.AlertDecision;
import io.rtpipe.core.publish.FinalResultsSink;
import io.rtpipe.core.result.MergedResult;

import java.time.Instant;
import java.util.List;

/**
 * Sends a metric's alerts ({@link AlertDecision}) to its outputs of one kind ({@code sns} or {@code eventbridge}),
 * each notification through the {@link AlertLedger} in this order: claim the throttle slot as pending, send, mark
 * sent. A republished range finds its notifications sent and sends nothing; a later crossing in a claimed slot
 * finds it taken. A process that dies after claiming and before marking re-sends that notification, with the same
 * id, when the range is handed again: never lost, and sent twice only if it died between the send and the mark
 * (a FIFO topic drops that copy by its deduplication id).
 */
public final class AlertSink implements FinalResultsSink {
    private final OutputSpec.Kind kind;
    private final AlertLedger ledger;
    private final OutputTransport transport;

    public AlertSink(OutputSpec.Kind kind, AlertLedger ledger, OutputTransport transport) {
        if (!kind.carriesAlerts()) {
            throw new IllegalArgumentException(kind.specName() + " outputs get every row: use a ResultOutputSink");
        }
        this.kind = kind;
        this.ledger = ledger;
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
        if (targets.isEmpty()) {
            return;
        }
        List<Alert> alerts = AlertDecision.decide(metric, rows);
        for (OutputSpec target : targets) {
            for (Alert alert : alerts) {
                AlertLedger.Claim claim = ledger.claim(metric.name(), target, alert);
                if (claim.needsSending()) {
                    transport.send(target.target(), List.of(alert.record()));
                    ledger.markSent(metric.name(), target, alert);
                }
            }
        }
    }

    private List<OutputSpec> targets(MetricSpec metric) {
        return metric.outputs().stream().filter(output -> output.kind() == kind).toList();
    }
}
