package io.rtpipe.core.metric;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One place a metric's final results go, as a spec names it ({@code {kinesis: STREAM}}): the kind of output and its
 * target (stream, delivery stream, function, topic ARN or event bus). Kinesis, Firehose and Lambda outputs get every
 * final row; SNS and EventBridge outputs carry the metric's alerts only.
 */
public record OutputSpec(Kind kind, String target) {

    /** The kinds of output, by their spec key. */
    public enum Kind {
        KINESIS("kinesis", false),
        FIREHOSE("firehose", false),
        LAMBDA("lambda", false),
        SNS("sns", true),
        EVENTBRIDGE("eventbridge", true);

        private final String specName;
        private final boolean carriesAlerts;

        Kind(String specName, boolean carriesAlerts) {
            this.specName = specName;
            this.carriesAlerts = carriesAlerts;
        }

        /** The key a spec names this kind by, e.g. {@code kinesis}. */
        public String specName() {
            return specName;
        }

        /** Whether this output receives alert notifications (true) or every final row (false). */
        public boolean carriesAlerts() {
            return carriesAlerts;
        }

        /** The kind a spec key names, or null. */
        public static Kind ofSpecName(String name) {
            return Arrays.stream(values()).filter(kind -> kind.specName.equals(name)).findFirst().orElse(null);
        }

        /** The spec keys of every kind, as a phrase: {@code kinesis, firehose, ...}. */
        public static String specNames() {
            return Arrays.stream(values()).map(Kind::specName).collect(Collectors.joining(", "));
        }
    }

    public OutputSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        if (target.isBlank()) {
            throw new IllegalArgumentException("a " + kind.specName + " output needs a target name");
        }
    }

    @Override
    public String toString() {
        return kind.specName + ":" + target;
    }
}
