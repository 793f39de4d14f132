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
        KINESIS("kinesis", false, Target.NAME_OR_ARN, "a stream name or ARN"),
        FIREHOSE("firehose", false, Target.NAME, "a delivery stream name (PutRecordBatch takes no ARN)"),
        LAMBDA("lambda", false, Target.NAME_OR_ARN, "a function name or ARN"),
        SNS("sns", true, Target.ARN, "a topic ARN such as arn:aws:sns:us-east-1:123456789012:alerts"),
        EVENTBRIDGE("eventbridge", true, Target.NAME_OR_ARN, "an event bus name or ARN");

        /** What the service's call takes as the target. */
        private enum Target { NAME, ARN, NAME_OR_ARN }

        private final String specName;
        private final boolean carriesAlerts;
        private final Target target;
        private final String targetRule;

        Kind(String specName, boolean carriesAlerts, Target target, String targetRule) {
            this.specName = specName;
            this.carriesAlerts = carriesAlerts;
            this.target = target;
            this.targetRule = targetRule;
        }

        /** What a target of this kind must be, as a phrase for errors. */
        public String targetRule() {
            return targetRule;
        }

        /** Whether the service's call takes {@code target}: a name, an ARN ({@code arn:...}), or either. */
        public boolean accepts(String target) {
            if (target.isBlank() || !target.strip().equals(target)) {
                return false;
            }
            boolean arn = target.startsWith("arn:");
            return switch (this.target) {
                case NAME -> !arn;
                case ARN -> arn;
                case NAME_OR_ARN -> true;
            };
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
        if (!kind.accepts(target)) {
            throw new IllegalArgumentException("a " + kind.specName + " output needs " + kind.targetRule
                    + ", got '" + target + "'");
        }
    }

    @Override
    public String toString() {
        return kind.specName + ":" + target;
    }
}
