package io.rtpipe.core.publish;

import io.rtpipe.core.metric.AlertSpec;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.result.MergedResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which final rows notify: a pure function of the rows, so a republished range decides the same. Per key and
 * throttle slot ({@link AlertSpec#slot}) the first row by window start that meets the alert's condition notifies;
 * later crossings in the slot do not. A slot can span ranges the publisher hands over separately: that a crossing in
 * an earlier range already claimed the slot is the alert ledger's to know (it records one notification per
 * {@link Alert#ledgerKey()}).
 */
public final class AlertDecision {

    private AlertDecision() {
    }

    /** The notifications {@code rows} of {@code metric} give, in window-start order; none without an alert. */
    public static List<Alert> decide(MetricSpec metric, List<MergedResult> rows) {
        AlertSpec alert = metric.alert();
        if (alert == null) {
            return List.of();
        }
        List<MergedResult> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparing(MergedResult::windowStart));
        Set<String> claimed = new HashSet<>();
        List<Alert> alerts = new ArrayList<>();
        for (MergedResult row : ordered) {
            if (!alert.firesOn(row)) {
                continue;
            }
            Alert candidate = new Alert(OutputRecord.of(row), OutputRecord.keyHash(row.key()),
                    alert.slot(row.windowStart()));
            if (claimed.add(candidate.ledgerKey())) {
                alerts.add(candidate);
            }
        }
        return alerts;
    }
}
