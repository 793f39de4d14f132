package io.rtpipe.lambda.analytics;

import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.spec.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Lambda runs the metrics of RTPIPE_METRICS_FILE, like the consumer's --metrics, or the built-in one. */
class HandlerMetricsTest {

    @Test
    void withoutAFileTheBuiltInMetricRuns() {
        assertThat(KinesisAnalyticsHandler.metrics(null).metrics()).extracting(MetricSpec::name)
                .containsExactly(MetricSpec.EVENTS_PER_MINUTE);
        assertThat(KinesisAnalyticsHandler.metrics(" ").metrics()).hasSize(1);
    }

    @Test
    void aSpecFileIsLoadedAndAMistakeInItIsItsLocatedSentence(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("m.yaml"), """
                metrics:
                  - name: clicks_by_page
                    filter: "type == 'click'"
                    group_by: [page]
                    aggregates:
                      - {name: clicks, fn: count}
                """);
        assertThat(KinesisAnalyticsHandler.metrics(spec.toString()).metrics()).extracting(MetricSpec::name)
                .containsExactly("clicks_by_page");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), "metrics: []\n");
        assertThatThrownBy(() -> KinesisAnalyticsHandler.metrics(broken.toString()))
                .isInstanceOf(SpecException.class).hasMessageStartingWith(broken + ":");
    }
}
