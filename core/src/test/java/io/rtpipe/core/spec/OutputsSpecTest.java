package io.rtpipe.core.spec;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.metric.OutputSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code outputs:} and {@code alert:} keys of a metric: loaded, written back, and refused with a location. */
class OutputsSpecTest {
    private static final String SPEC = """
            metrics:
              - name: orders
                group_by: [type]
                aggregates: [{name: count, fn: count}, {name: revenue, fn: sum, field: amount}]
                outputs:
                  - {kinesis: results-out}
                  - {firehose: to-lake}
                  - {lambda: scorer}
                  - {sns: "arn:aws:sns:us-east-1:000000000000:alerts.fifo"}
                  - {eventbridge: default}
                alert: {when: "count > 1000 && key.type == 'buy'", throttle: 5m}
            """;

    private final SpecLoader loader = SpecLoader.standard();

    @Test
    void loadsOutputsInOrderAndTheAlert() {
        MetricSpec metric = loader.parse("m.yaml", SPEC).metrics().get(0);

        assertThat(metric.outputs()).containsExactly(
                new OutputSpec(OutputSpec.Kind.KINESIS, "results-out"),
                new OutputSpec(OutputSpec.Kind.FIREHOSE, "to-lake"),
                new OutputSpec(OutputSpec.Kind.LAMBDA, "scorer"),
                new OutputSpec(OutputSpec.Kind.SNS, "arn:aws:sns:us-east-1:000000000000:alerts.fifo"),
                new OutputSpec(OutputSpec.Kind.EVENTBRIDGE, "default"));
        assertThat(metric.alert().when()).isEqualTo("count > 1000 && key.type == 'buy'");
        assertThat(metric.alert().throttle()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void outputsDoNotChangeWhatStoredResultsMean() {
        MetricSpec with = loader.parse("m.yaml", SPEC).metrics().get(0);
        MetricSpec without = loader.parse("m.yaml", """
                metrics:
                  - name: orders
                    group_by: [type]
                    aggregates: [{name: count, fn: count}, {name: revenue, fn: sum, field: amount}]
                """).metrics().get(0);

        assertThat(with.fingerprint()).isEqualTo(without.fingerprint());
    }

    @Test
    void writtenBackItReadsAsTheSameOutputsAndAlert() {
        EngineConfig config = loader.parse("m.yaml", SPEC);
        String yaml = SpecWriter.write(config);

        assertThat(yaml).contains("    outputs: [{kinesis: \"results-out\"}, {firehose: \"to-lake\"}, {lambda: scorer}, "
                + "{sns: \"arn:aws:sns:us-east-1:000000000000:alerts.fifo\"}, {eventbridge: default}]\n"
                + "    alert: {when: \"count > 1000 && key.type == 'buy'\", throttle: 5m}\n");
        MetricSpec back = loader.parse("written.yaml", yaml).metrics().get(0);
        MetricSpec original = config.metrics().get(0);
        assertThat(back.outputs()).isEqualTo(original.outputs());
        assertThat(back.alert()).isEqualTo(original.alert());
    }

    @Test
    void anAlertWithoutThrottleNotifiesEveryCrossingWindow() {
        MetricSpec metric = loader.parse("m.yaml", """
                metrics:
                  - name: orders
                    aggregates: [{name: count, fn: count}]
                    outputs: [{sns: "arn:aws:sns:us-east-1:000000000000:topic"}]
                    alert: {when: "count > 3"}
                """).metrics().get(0);

        assertThat(metric.alert().throttle()).isZero();
        assertThat(SpecWriter.write(EngineConfig.builder().metrics(List.of(metric)).build()))
                .contains("    alert: {when: \"count > 3\"}\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            outputs: [{kafka: t}]|m.yaml:4: metrics[0].outputs[0].kafka: found an unknown output kind, expected one of kinesis, firehose, lambda, sns, eventbridge
            outputs: [{kinesis: a, lambda: b}]|m.yaml:4: metrics[0].outputs[0]: found a mapping, expected a mapping of one output kind to its target, such as {kinesis: STREAM}, {firehose: NAME}, {lambda: FUNCTION}, {sns: TOPIC_ARN} or {eventbridge: BUS}
            outputs: [{kinesis: a}, {kinesis: a}]|m.yaml:4: metrics[0].outputs[1].kinesis: found "a", expected each output listed once
            outputs: [{kinesis: 7}]|m.yaml:4: metrics[0].outputs[0].kinesis: found 7, expected a stream name or ARN
            outputs: [{sns: alerts}]|m.yaml:4: metrics[0].outputs[0].sns: found "alerts", expected a topic ARN such as arn:aws:sns:us-east-1:123456789012:alerts
            outputs: [{firehose: "arn:aws:firehose:us-east-1:1:deliverystream/x"}]|m.yaml:4: metrics[0].outputs[0].firehose: found "arn:aws:firehose:us-east-1:1:deliverystream/x", expected a delivery stream name (PutRecordBatch takes no ARN)
            outputs: [{sns: "arn:aws:sns:us-east-1:1:t"}]|m.yaml:4: metrics[0].outputs: found a list, expected an alert for its sns or eventbridge outputs to carry (they get alerts, not every row)
            alert: {when: "count > 1"}|m.yaml:4: metrics[0].alert: found a mapping, expected an sns or eventbridge output for its alert's notifications
            alert: {when: "count >"}|m.yaml:4: metrics[0].alert.when: found "count >", expected a CEL expression over the metric's values and key that yields a bool (column 8: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER})
            alert: {when: "amount > 1"}|m.yaml:4: metrics[0].alert.when: found "amount > 1", expected a CEL expression over the metric's values and key that yields a bool (it names amount, which is neither a value of the metric (count) nor key)
            alert: {when: "count > 1", throttle: 5 minutes}|m.yaml:4: metrics[0].alert.throttle: found "5 minutes", expected a duration such as 30s, 1m, 1h
            alert: {when: "count > 1", every: 5m}|m.yaml:4: metrics[0].alert.every: found an unknown key, expected one of when, throttle
            alert: {throttle: 5m}|m.yaml:4: metrics[0].alert.when: found nothing, expected a CEL expression over the metric's values and key that yields a bool
            """)
    void mistakesAreOneLocatedSentence(String line, String message) {
        String yaml = "metrics:\n  - name: orders\n    aggregates: [{name: count, fn: count}]\n    " + line + "\n";

        assertThatThrownBy(() -> loader.parse("m.yaml", yaml)).isInstanceOf(SpecException.class).hasMessage(message);
    }
}
