package io.rtpipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code .sql} spec where a YAML one goes: {@code check} and {@code preview} print the same as for its YAML twin. */
class SqlSpecCommandsTest {

    /** Two metrics over LocalDuplicatesIT's hostile file, in YAML ... */
    static final String YAML = """
            metrics:
              - name: events_by_type
                group_by: [type]
                timestamp: ts
                window: {type: tumbling, size: 1m}
                allowed_lateness: 30s
                dedup: {field: id}
                aggregates:
                  - {name: events, fn: count}
                  - {name: amount, fn: sum, field: amount}
              - name: big_purchases
                filter: "type == 'purchase' && amount > 50 || type == 'click' && amount <= 3"
                window: {type: hopping, size: 2m, slide: 1m}
                dedup: {field: id}
                aggregates:
                  - {name: n, fn: count}
                  - {name: ids, fn: distinct, field: id}
                  - {name: p90, fn: quantile, field: amount, q: 0.9}
                  - {name: top_types, fn: topk, field: type, k: 2}
                  - {name: low, fn: min, field: amount}
                  - {name: high, fn: max, field: amount}
                  - {name: mean, fn: avg, field: amount}
                  - {name: first_id, fn: first, field: id}
                  - {name: last_id, fn: last, field: id}
            """;

    /** ... and the same two in SQL. */
    static final String SQL = """
            -- events per type and minute, each id once
            INSERT INTO events_by_type
            SELECT /*+ OPTIONS('allowed_lateness'='30s', 'dedup'='id') */
              window_start, window_end, type, COUNT(*) AS events, SUM(amount) AS amount
            FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
            GROUP BY window_start, window_end, type;

            INSERT INTO big_purchases
            SELECT /*+ OPTIONS('dedup'='id') */
              window_start, window_end, COUNT(*) AS n, COUNT(DISTINCT id) AS ids,
              PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY amount) AS p90, TOP_K(type, 2) AS top_types,
              MIN(amount) AS low, MAX(amount) AS high, AVG(amount) AS mean,
              FIRST_VALUE(id) AS first_id, LAST_VALUE(id) AS last_id
            FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '2' MINUTE))
            WHERE type = 'purchase' AND amount > 50 OR type = 'click' AND amount <= 3
            GROUP BY window_start, window_end
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void checkPrintsTheSamePlanForSqlAndYaml() throws IOException {
        Path sql = Files.writeString(dir.resolve("app.sql"), SQL);
        Path yaml = Files.writeString(dir.resolve("app.yaml"), YAML);
        assertThat(run("check", yaml.toString())).as(err.toString()).isZero();
        String yamlPlan = out.toString();
        assertThat(run("check", sql.toString())).as(err.toString()).isZero();
        String sqlPlan = out.toString();

        assertThat(yamlPlan).startsWith(yaml + ": 2 metric(s), ").contains("metric big_purchases");
        assertThat(sqlPlan.replace(sql.toString(), yaml.toString())).isEqualTo(yamlPlan);
    }

    @Test
    void previewGivesByteIdenticalResultsForSqlAndYaml() throws IOException {
        Path input = dir.resolve("events.jsonl");
        LocalDuplicatesIT.writeInput(input, new Random(12));
        Path sql = Files.writeString(dir.resolve("app.sql"), SQL);
        Path yaml = Files.writeString(dir.resolve("app.yaml"), YAML);

        assertThat(run("preview", "--metrics", yaml.toString(), "--input", input.toString())).as(err.toString())
                .isZero();
        String fromYaml = out.toString();
        String yamlErr = err.toString();
        assertThat(run("preview", "--metrics", sql.toString(), "--input", input.toString())).as(err.toString())
                .isZero();

        assertThat(fromYaml).contains("\"metric\":\"events_by_type\"").contains("\"metric\":\"big_purchases\"");
        assertThat(out.toString()).isEqualTo(fromYaml);
        assertThat(err.toString()).isEqualTo(yamlErr);
    }

    @Test
    void aMistakeInSqlIsOneLocatedSentenceAndExitCode2() throws IOException {
        Path sql = Files.writeString(dir.resolve("app.sql"), """
                INSERT INTO m
                SELECT window_start, window_end, COUNT(*) AS n
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end HAVING COUNT(*) > 3
                """);
        assertThat(run("check", sql.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("rtpipe: " + sql + ":4:42: HAVING is refused: results are per-shard partial "
                + "windows merged when they are read, so a condition on one shard's partial is not the condition on "
                + "the merged window; filter the merged results when you read them.");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void previewOfKdaApplicationCodeEqualsItsYamlTwinAndAnIndependentCount() throws IOException {
        Path input = dir.resolve("events.jsonl");
        StringBuilder lines = new StringBuilder();
        Map<String, Long> expected = new TreeMap<>();
        Random random = new Random(7);
        long start = 1_795_996_800_000L; // 2026-11-30T00:00:00Z, a minute boundary
        for (int i = 0; i < 600; i++) {
            long ts = start + i * 500L; // 5 minutes, in order
            String type = List.of("click", "view", "purchase").get(random.nextInt(3));
            int amount = random.nextInt(30);
            lines.append("{\"type\":\"").append(type).append("\",\"amount\":").append(amount)
                    .append(",\"ts\":").append(ts).append("}\n");
            if (amount > 10) {
                expected.merge(Instant.ofEpochMilli(ts - ts % 60_000) + " " + type, 1L, Long::sum);
            }
        }
        Files.writeString(input, lines);
        Path kda = Files.writeString(dir.resolve("app.sql"), """
                /* input_schema: {"RecordColumns": [
                     {"Name": "EVENT_TYPE", "SqlType": "VARCHAR(16)", "Mapping": "$.type"},
                     {"Name": "AMOUNT", "SqlType": "DOUBLE", "Mapping": "$.amount"},
                     {"Name": "TS", "SqlType": "BIGINT", "Mapping": "$.ts"}]} */
                CREATE OR REPLACE STREAM "BIG_EVENTS" (event_type VARCHAR(16), amount DOUBLE, ts BIGINT);
                CREATE OR REPLACE PUMP "FILTER_PUMP" AS INSERT INTO "BIG_EVENTS"
                  SELECT STREAM EVENT_TYPE, AMOUNT, TS FROM "SOURCE_SQL_STREAM_001" WHERE AMOUNT > 10;
                CREATE OR REPLACE STREAM "EVENTS_PER_MINUTE" (event_type VARCHAR(16), events INTEGER, total DOUBLE);
                CREATE OR REPLACE PUMP "COUNT_PUMP" AS INSERT INTO "EVENTS_PER_MINUTE"
                  SELECT STREAM event_type, COUNT(*), SUM(amount) FROM "BIG_EVENTS"
                  GROUP BY event_type, STEP("BIG_EVENTS".ROWTIME BY INTERVAL '60' SECOND),
                           STEP("BIG_EVENTS".ts BY INTERVAL '60' SECOND);
                """);
        Path yaml = Files.writeString(dir.resolve("app.yaml"), """
                metrics:
                  - name: events_per_minute
                    filter: "amount > 10"
                    group_by: [type]
                    timestamp: ts
                    window: {type: tumbling, size: 1m}
                    aggregates:
                      - {name: events, fn: count}
                      - {name: total, fn: sum, field: amount}
                """);

        assertThat(run("preview", "--metrics", yaml.toString(), "--input", input.toString())).as(err.toString())
                .isZero();
        String fromYaml = out.toString();
        assertThat(run("preview", "--metrics", kda.toString(), "--input", input.toString())).as(err.toString())
                .isZero();
        assertThat(out.toString()).isEqualTo(fromYaml);
        assertThat(run("check", yaml.toString())).as(err.toString()).isZero();
        String yamlPlan = out.toString();
        assertThat(run("check", kda.toString())).as(err.toString()).isZero();
        assertThat(out.toString().replace(kda.toString(), yaml.toString())).isEqualTo(yamlPlan);

        Map<String, Long> counted = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : fromYaml.split("\n")) {
            JsonNode result = json.readTree(line);
            assertThat(result.path("metric").asText()).isEqualTo("events_per_minute");
            counted.put(result.path("window_start").asText() + " " + result.path("key").path("type").asText(),
                    result.path("values").path("events").asLong());
        }
        assertThat(counted).isEqualTo(expected).hasSize(15);
    }

    @Test
    void checkOfKdaCodeWithASlidingWindowIsTheDocumentedSentenceAndExitCode2() throws IOException {
        Path kda = Files.writeString(dir.resolve("app.sql"), """
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), avg_price DOUBLE);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM ticker_symbol, AVG(price) OVER W1 AS avg_price
                  FROM "SOURCE_SQL_STREAM_001"
                  WINDOW W1 AS (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE PRECEDING);
                """);
        assertThat(run("check", kda.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("rtpipe: " + kda + ":5:3: sliding windows (OVER, WINDOW ... "
                + "RANGE INTERVAL ... PRECEDING) are refused: they give one output row per input row, and the engine "
                + "writes one result per window and key; use a tumbling window, GROUP BY keys, "
                + "STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '60' SECOND) or "
                + "FLOOR(\"SOURCE_SQL_STREAM_001\".ROWTIME TO MINUTE).");
        assertThat(out.toString()).isEmpty();
    }
}
