package io.rtpipe.core.task;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;

import java.util.Map;

/**
 * What was stored cannot be used under this spec: a shard's progress entry for its checkpoint is missing, or a
 * metric's definition differs from the one its progress (or its results, for a query) was written under. Going on
 * would write or show wrong results, so the worker must not start the shard (a query must not merge); the message is
 * one sentence naming the shard or metric and what is wrong. The command line exits with code 2.
 */
public final class ProgressException extends RuntimeException {
    public ProgressException(String message) {
        super(message);
    }

    /**
     * Throws unless every metric of {@code config} that {@code stored} defines is defined the same way (a metric it
     * does not define is new).
     *
     * @param stored     metric name to its stored {@code MetricSpec.definition()}
     * @param whenStored completes "defined otherwise than when ...", e.g. "shard X stored its progress"
     */
    public static void requireSameDefinitions(EngineConfig config, Map<String, Map<String, String>> stored,
                                              String whenStored) {
        for (MetricSpec metric : config.metrics()) {
            Map<String, String> before = stored.get(metric.name());
            if (before != null && !MetricSpec.fingerprint(before).equals(metric.fingerprint())) {
                throw new ProgressException("metric " + metric.name() + " is defined otherwise than when "
                        + whenStored + " (" + metric.differencesFrom(before) + "): give a changed metric a new name, "
                        + "or run the old definition");
            }
        }
    }
}
