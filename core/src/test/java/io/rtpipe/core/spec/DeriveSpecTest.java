package io.rtpipe.core.spec;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code derive:} section of a metric: loading, writing back, and its located mistakes. */
class DeriveSpecTest {
    private static final String SPEC = """
            metrics:
              - name: by_level
                derive: {level: "line.split(' ')[0].upperAscii()", status: "regexGroup(line, r'.* (\\\\d{3})', 1)"}
                group_by: [level, status]
                timestamp: arrival
                aggregates: [{name: n, fn: count}]
            """;

    private final SpecLoader loader = SpecLoader.standard();

    @Test
    void derivedFieldsLoadInOrderAndWriteBackToTheSameDefinition() {
        EngineConfig config = loader.parse("metrics.yaml", SPEC);
        MetricSpec metric = config.metrics().get(0);
        assertThat(metric.derived().keySet()).containsExactly("level", "status");
        assertThat(metric.derived().get("level").source()).isEqualTo("line.split(' ')[0].upperAscii()");
        assertThat(metric.definition()).containsEntry("derive",
                "[level=line.split(' ')[0].upperAscii(), status=regexGroup(line, r'.* (\\d{3})', 1)]");

        String written = SpecWriter.write(config);
        assertThat(written).contains("    derive: {level: \"line.split(' ')[0].upperAscii()\", "
                + "status: \"regexGroup(line, r'.* (\\\\d{3})', 1)\"}\n");
        assertThat(loader.parse("written.yaml", written).metrics().get(0).fingerprint())
                .isEqualTo(metric.fingerprint());
    }

    @Test
    void aMetricWithoutDerivedFieldsKeepsTheDefinitionItHadBefore() {
        MetricSpec plain = loader.parse("metrics.yaml", SPEC.replaceFirst("    derive: .*\\n", "")
                .replace("[level, status]", "[line]")).metrics().get(0);
        assertThat(plain.definition()).doesNotContainKey("derive");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`derive: {level: \"line.upperAscii(\"}` | `metrics.yaml:3: metrics[0].derive.level: found \"line.upperAscii(\", expected a CEL expression computing the field (column 17: mismatched input '<EOF>' expecting {'[', '{', '(', ')', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER})`",
            "`derive: {level: \"regexGroup(line, '(', 1)\"}` | `metrics.yaml:3: metrics[0].derive.level: found \"regexGroup(line, '(', 1)\", expected a CEL expression computing the field (regexGroup: the pattern \"(\" is not a Java regular expression (Unclosed group))`",
            "`derive: {level: \"lower(line)\"}` | `metrics.yaml:3: metrics[0].derive.level: found \"lower(line)\", expected a CEL expression computing the field (column 6: undeclared reference to 'lower' (in container ''))`",
            "`derive: {event: \"line\"}` | `metrics.yaml:3: metrics[0].derive.event: found \"event\", expected a derived field name of 1-63 letters, digits or underscores, not starting with a digit, other than event and math`",
            "`derive: [level]` | `metrics.yaml:3: metrics[0].derive: found a list, expected a mapping of field names to CEL expressions, such as {level: \"upperAscii(level)\"}`",
    })
    void mistakesAreOneLocatedSentence(String derive, String message) {
        String yaml = SPEC.replaceFirst("derive: .*", derive.replace("$", "\\$"))
                .replace("[level, status]", "[line]");
        assertThatThrownBy(() -> loader.parse("metrics.yaml", yaml)).isInstanceOf(SpecException.class)
                .hasMessage(message);
    }

    @Test
    void aPathIntoADerivedFieldIsRefusedSayingWhatToDo() {
        String yaml = SPEC.replace("[level, status]", "[level.x]");
        assertThatThrownBy(() -> loader.parse("metrics.yaml", yaml)).isInstanceOf(SpecException.class)
                .hasMessage("metrics.yaml:2: metrics[0]: found a path into a derived field (level.x is a path into "
                        + "the derived field level, and derived fields are read whole; derive x itself instead), "
                        + "expected derived fields named whole in group_by, timestamp, dedup and aggregates");
    }
}
