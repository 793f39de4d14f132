package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.sql.SpecFiles;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/kda/09-anomaly-detection: its sample is what {@link #sample} generates (outliers injected at known lines),
 * and {@code rtpipe preview --metrics application.sql --input sample.jsonl} finds those lines as the top anomalies of
 * every host and minute.
 */
class AnomalyExampleTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "kda", "09-anomaly-detection");
    private static final long T0 = 1_764_759_600_000L; // 2025-12-03T11:00:00Z
    private static final String[] HOSTS = {"web-1", "web-2"};
    private static final int MINUTES = 3;
    private static final int PER_MINUTE = 240; // per host: one point every 250 ms
    /** Per minute and host, the indices (within its minute) that get an outlier, past the forest's warm-up. */
    private static final int[][] OUTLIER_AT = {{150, 205}, {120, 230}, {175, 190}};

    /** The sample's lines; fills {@code injected} with "minute start/host" to the 1-based lines of its outliers. */
    static List<String> sample(Map<String, Set<Long>> injected) {
        Random random = new Random(2026);
        List<String> lines = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            for (int i = 0; i < PER_MINUTE; i++) {
                for (String host : HOSTS) {
                    double latency = 120 + Math.round(random.nextGaussian() * 100) / 10.0;
                    long bytes = 5_000 + Math.round(random.nextGaussian() * 50);
                    if (i == OUTLIER_AT[m][0]) {
                        latency += 400; // slow, normal size
                    } else if (i == OUTLIER_AT[m][1]) {
                        latency += 250;
                        bytes += 1_500; // slow and large
                    }
                    lines.add(String.format(Locale.ROOT, "{\"ts\":%d,\"host\":\"%s\",\"latency_ms\":%.1f,\"bytes\":%d}",
                            T0 + m * 60_000L + i * 250L, host, latency, bytes));
                    if (i == OUTLIER_AT[m][0] || i == OUTLIER_AT[m][1]) {
                        injected.computeIfAbsent((T0 + m * 60_000L) + "/" + host, k -> new TreeSet<>())
                                .add((long) lines.size());
                    }
                }
            }
        }
        return lines;
    }

    @Test
    void theCommittedSampleIsTheGeneratedOneAndTheYamlMeansTheApplication() throws IOException {
        List<String> expected = sample(new TreeMap<>());
        assertThat(Files.readAllLines(EXAMPLE.resolve("sample.jsonl"))).isEqualTo(expected);
        MetricSpec fromSql = SpecFiles.load(EXAMPLE.resolve("application.sql")).metrics().get(0);
        MetricSpec fromYaml = SpecFiles.load(EXAMPLE.resolve("expected-spec.yaml")).metrics().get(0);
        assertThat(fromSql.definition()).isEqualTo(fromYaml.definition());
        assertThat(fromSql.toString()).isEqualTo(fromYaml.toString());
    }

    @Test
    void previewFindsTheInjectedOutliersAsTheTopAnomaliesOfEveryHostAndMinute() throws IOException {
        Map<String, Set<Long>> injected = new TreeMap<>();
        sample(injected);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("preview", "--metrics", EXAMPLE.resolve("application.sql").toString(),
                "--input", EXAMPLE.resolve("sample.jsonl").toString());
        assertThat(exit).as(err.toString()).isZero();

        ObjectMapper json = new ObjectMapper();
        Map<String, Set<Long>> found = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            JsonNode result = json.readTree(line);
            String cell = java.time.Instant.parse(result.get("window_start").asText()).toEpochMilli() + "/"
                    + result.get("key").get("host").asText();
            JsonNode anomaly = result.get("values").get("anomaly_score");
            assertThat(anomaly.get("scored").asLong()).isEqualTo(PER_MINUTE);
            Set<Long> top = new TreeSet<>();
            for (int r = 0; r < 2; r++) {
                top.add(anomaly.get("top").get(r).get("position").asLong());
            }
            found.put(cell, top);
        }
        assertThat(found).isEqualTo(injected).hasSize(MINUTES * HOSTS.length);
    }
}
