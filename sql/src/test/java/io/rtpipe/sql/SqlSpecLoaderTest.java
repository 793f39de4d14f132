package io.rtpipe.sql;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every construct against the YAML spec that means the same (core's SpecLoader is the ground truth). */
class SqlSpecLoaderTest {

    private static final SqlSpecLoader SQL = SqlSpecLoader.standard();
    private static final SpecLoader YAML = SpecLoader.standard();

    private static void assertSame(String sql, String yaml) {
        EngineConfig fromSql = SQL.parse("app.sql", sql);
        EngineConfig fromYaml = YAML.parse("app.yaml", yaml);
        assertThat(fromSql.metrics()).hasSameSizeAs(fromYaml.metrics());
        for (int i = 0; i < fromYaml.metrics().size(); i++) {
            MetricSpec s = fromSql.metrics().get(i);
            MetricSpec y = fromYaml.metrics().get(i);
            assertThat(s.name()).isEqualTo(y.name());
            assertThat(s.definition()).isEqualTo(y.definition());
            assertThat(s.fingerprint()).isEqualTo(y.fingerprint());
            assertThat(s.timestamp()).isEqualTo(y.timestamp());
            assertThat(s.toString()).isEqualTo(y.toString());
        }
        assertThat(fromSql.decoder()).isEqualTo(fromYaml.decoder());
    }

    @Test
    void theReadmeSpecInSql() {
        assertSame("""
                INSERT INTO revenue_by_page
                SELECT /*+ OPTIONS('allowed_lateness'='5s', 'dedup'='event_id') */
                  window_start, window_end, page, geo.country,
                  COUNT(*) AS orders, SUM(amount) AS revenue, COUNT(DISTINCT user_id) AS buyers,
                  APPROX_PERCENTILE(amount, 0.99) AS p99_amount, TOP_K(page, 10) AS top_pages
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                WHERE type = 'purchase' AND amount > 0
                GROUP BY window_start, window_end, page, geo.country
                """, """
                metrics:
                  - name: revenue_by_page
                    filter: "type == 'purchase' && amount > 0"
                    group_by: [page, geo.country]
                    timestamp: ts
                    window: {type: tumbling, size: 1m}
                    allowed_lateness: 5s
                    dedup: {field: event_id}
                    aggregates:
                      - {name: orders, fn: count}
                      - {name: revenue, fn: sum, field: amount}
                      - {name: buyers, fn: distinct, field: user_id}
                      - {name: p99_amount, fn: quantile, field: amount, q: 0.99}
                      - {name: top_pages, fn: topk, field: page, k: 10}
                """);
    }

    @Test
    void everyBuiltInAggregateAndNamedParameters() {
        assertSame("""
                INSERT INTO all_fns
                SELECT window_start, window_end, COUNT(*) AS n, COUNT(amount) AS with_amount,
                  SUM(amount) AS total, MIN(amount) AS low, MAX(amount) AS high, AVG(amount) AS mean,
                  COUNT(DISTINCT user_id) AS users, APPROX_COUNT_DISTINCT(user_id, lg_k => 14) AS users14,
                  APPROX_PERCENTILE(amount, 0.5, 0.02) AS median,
                  PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY amount) AS p90,
                  TOP_K(page, k => 3) AS pages, FIRST_VALUE(page) AS first_page, LAST_VALUE(page) AS last_page
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '30' SECOND))
                GROUP BY window_start, window_end
                """, """
                metrics:
                  - name: all_fns
                    window: {type: tumbling, size: 30s}
                    aggregates:
                      - {name: n, fn: count}
                      - {name: with_amount, fn: count, field: amount}
                      - {name: total, fn: sum, field: amount}
                      - {name: low, fn: min, field: amount}
                      - {name: high, fn: max, field: amount}
                      - {name: mean, fn: avg, field: amount}
                      - {name: users, fn: distinct, field: user_id}
                      - {name: users14, fn: distinct, field: user_id, lg_k: 14}
                      - {name: median, fn: quantile, field: amount, q: 0.5, relative_accuracy: 0.02}
                      - {name: p90, fn: quantile, field: amount, q: 0.9}
                      - {name: pages, fn: topk, field: page, k: 3}
                      - {name: first_page, fn: first, field: page}
                      - {name: last_page, fn: last, field: page}
                """);
    }

    @Test
    void hopAndSessionOverArrivalAndFormattedEventTime() {
        assertSame("""
                INSERT INTO hopping
                SELECT /*+ OPTIONS('timestamp_format'='iso8601', 'max_ahead'='10m', 'max_keys_per_window'='50',
                                   'allowed_lateness'='0s') */
                  window_start, window_end, `user`.`type`, COUNT(*) AS n
                FROM TABLE(HOP(TABLE events, DESCRIPTOR(`meta.at`), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
                GROUP BY window_start, window_end, `user`.`type`;
                INSERT INTO sessions
                SELECT window_start, window_end, user_id, COUNT(*) AS clicks
                FROM TABLE(SESSION(TABLE events, DESCRIPTOR(arrival), INTERVAL '30' SECOND)) AS s
                WHERE NOT (kind IN ('bot', 'test') OR score * 2 >= 10 - 1) AND geo.country IS NOT NULL
                  AND tag <> 'it''s'
                GROUP BY window_start, window_end, user_id
                """, """
                metrics:
                  - name: hopping
                    group_by: [user.type]
                    timestamp: {field: meta.at, format: iso8601, max_ahead: 10m}
                    window: {type: hopping, size: 5m, slide: 1m}
                    allowed_lateness: 0s
                    max_keys_per_window: 50
                    aggregates: [{name: n, fn: count}]
                  - name: sessions
                    filter: "!(kind in ['bot', 'test'] || score * 2 >= 10 - 1) && has(geo.country) && tag != 'it\\\\'s'"
                    group_by: [user_id]
                    timestamp: arrival
                    window: {type: session, gap: 30s}
                    aggregates: [{name: clicks, fn: count}]
                """);
    }

    @Test
    void staggerWindowsAndHotspots() {
        assertSame("""
                INSERT INTO dense_per_host
                SELECT window_start, window_end, host,
                  HOTSPOTS(x, y, scan_radius => 0.5, min_points => 5) AS dense
                FROM TABLE(STAGGER(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
                GROUP BY window_start, window_end, host
                """, """
                metrics:
                  - name: dense_per_host
                    group_by: [host]
                    window: {type: stagger, size: 10s}
                    aggregates:
                      - {name: dense, fn: hotspots, fields: [x, "y"], scan_radius: 0.5, min_points: 5}
                """);
    }

    @Test
    void parenthesesFollowPrecedence() {
        MetricSpec metric = SQL.parse("app.sql", """
                INSERT INTO m SELECT window_start, window_end, COUNT(*) AS n
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                WHERE (a = 1 OR b = 2) AND (c - (d - 1)) > -3 AND flag = TRUE AND MOD(n, 2) = 0
                GROUP BY window_start, window_end
                """).metrics().get(0);
        assertThat(metric.filter().source()).isEqualTo("(a == 1 || b == 2) && c - (d - 1) > -3 && flag == true && n % 2 == 0");
    }

    @Test
    void aSpiAggregateByName() {
        SqlSpecLoader withCustom = new SqlSpecLoader(io.rtpipe.core.aggregate.AggregatorRegistry.of(
                List.of(new io.rtpipe.core.aggregate.AggregatorFactory() {
                    public String fn() {
                        return "spread";
                    }

                    public io.rtpipe.core.aggregate.FieldUse field() {
                        return io.rtpipe.core.aggregate.FieldUse.REQUIRED;
                    }

                    public java.util.Set<String> parameters() {
                        return java.util.Set.of("scale");
                    }

                    public io.rtpipe.core.aggregate.Aggregator create(io.rtpipe.core.aggregate.AggregatorParams p) {
                        if (p.number("scale", 1) <= 0) {
                            throw p.invalid("scale", "a positive number");
                        }
                        return io.rtpipe.core.aggregate.AggregatorRegistry.builtins().factory("max").orElseThrow()
                                .create(p);
                    }
                })));
        String sql = """
                INSERT INTO m SELECT window_start, window_end, SPREAD(amount, scale => %s) AS s
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end
                """;
        var aggregate = withCustom.parse("app.sql", sql.formatted("2")).metrics().get(0).aggregates().get(0);
        assertThat(aggregate.fn()).isEqualTo("spread");
        assertThat(aggregate.params()).containsEntry("scale", "2");
        assertThatThrownBy(() -> withCustom.parse("app.sql", sql.formatted("-2")))
                .isInstanceOf(SpecException.class)
                .hasMessage("app.sql:1:72: the parameter scale is -2, expected a positive number.");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            HAVING COUNT(*) > 5|app.sql:4:8: HAVING is refused: results are per-shard partial windows merged when they are read, so a condition on one shard's partial is not the condition on the merged window; filter the merged results when you read them.
            ORDER BY n|app.sql:4:10: ORDER BY, LIMIT and OFFSET are refused: a stream has no end to sort or cut at, and results are written window by window.
            """)
    void refusedClausesAfterGroupBy(String clause, String message) {
        assertThatThrownBy(() -> SQL.parse("app.sql", """
                INSERT INTO m SELECT window_start, window_end, COUNT(*) AS n
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end
                """ + clause)).isInstanceOf(SpecException.class).hasMessage(message);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT window_start, window_end, COUNT(*) AS n FROM events GROUP BY window_start, window_end|app.sql:1:67: non-windowed aggregation is refused: a stream never ends, so results need a window: FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)), HOP(TABLE events, DESCRIPTOR(ts), slide, size), SESSION(TABLE events, DESCRIPTOR(ts), gap) or STAGGER(TABLE events, DESCRIPTOR(ts), size).
            SELECT COUNT(*) AS n FROM a JOIN b ON a.id = b.id|app.sql:1:43: joins are refused: the engine aggregates one stream, shard by shard, and a join would need state across shards it does not keep.
            SELECT COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))|app.sql:1:15: a metric aggregates per window: GROUP BY window_start, window_end and the keys (non-windowed aggregation is refused: a stream never ends).
            SELECT COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY page|app.sql:1:106: GROUP BY must name window_start and window_end: results are per window (non-windowed aggregation is refused: a stream never ends).
            SELECT window_start, window_end, page, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:48: page is neither in GROUP BY nor aggregated; a non-windowed or per-event result is not something the engine computes.
            SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:48: name each aggregate with AS, e.g. COUNT(*) AS orders: the name is the result's value name.
            SELECT window_start, window_end, SUM(amount * 2) AS s FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:52: an aggregate takes a field path such as amount or geo.price, found `amount` * 2 (compute an expression with a YAML derive: field).
            SELECT window_start, window_end, MEDIAN(amount) AS s FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:48: unknown aggregate function MEDIAN, expected COUNT, COUNT(DISTINCT), SUM, MIN, MAX, AVG, APPROX_PERCENTILE, PERCENTILE_CONT, TOP_K, FIRST_VALUE, LAST_VALUE, RANDOM_CUT_FOREST or one of avg, count, distinct, first, hotspots, last, max, min, quantile, random_cut_forest, random_cut_forest_with_explanation, sum, topk.
            SELECT window_start, window_end, TOP_K(page) AS s FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:48: the parameter k is missing, expected a whole number from 1 to 100000.
            SELECT window_start, window_end, APPROX_PERCENTILE(amount, 1.5) AS s FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:74: the parameter q is 1.5, expected a number strictly between 0 and 1, such as 0.99.
            SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MONTH)) GROUP BY window_start, window_end|app.sql:1:110: the window size must be a day-time interval such as INTERVAL '30' SECOND; months and years have no fixed length.
            SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '7' SECOND, INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:107: the slide must divide the size 60000ms evenly (HOP's third argument is the slide, the fourth the size).
            SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, ts, INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:94: TUMBLE's second argument is the time column, DESCRIPTOR(ts) for an event-time field or DESCRIPTOR(arrival) for Kinesis' arrival time.
            SELECT /*+ OPTIONS('lateness'='5s') */ window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:34: unknown option 'lateness', expected one of allowed_lateness, dedup, max_keys_per_window, timestamp_format, max_ahead.
            SELECT /*+ OPTIONS('allowed_lateness'='5 seconds') */ window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:53: found '5 seconds', expected a duration such as 30s, 1m, 1h.
            SELECT /*+ OPTIONS('timestamp_format'='unix') */ window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:53: found timestamp_format 'unix', expected one of epoch_millis, epoch_seconds, iso8601.
            SELECT /*+ BROADCAST(t) */ window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end|app.sql:1:22: the only hint is OPTIONS('key'='value', ...), found BROADCAST.
            SELECT DISTINCT page FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))|app.sql:1:15: SELECT DISTINCT is refused: use COUNT(DISTINCT x) for distinct values per window.
            SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end LIMIT 10|app.sql:1:172: ORDER BY, LIMIT and OFFSET are refused: a stream has no end to sort or cut at, and results are written window by window.
            """)
    void refusalsAreOneLocatedSentence(String select, String message) {
        assertThatThrownBy(() -> SQL.parse("app.sql", "INSERT INTO m " + select))
                .isInstanceOf(SpecException.class).hasMessage(message);
    }

    @Test
    void statementMistakes() {
        assertThatThrownBy(() -> SQL.parse("app.sql", "SELECT COUNT(*) AS n FROM events"))
                .hasMessage("app.sql:1:1: a query needs the metric it defines: write INSERT INTO metric_name SELECT ...");
        assertThatThrownBy(() -> SQL.parse("app.sql", "INSERT INTO Bad SELECT 1 AS n FROM events"))
                .hasMessage("app.sql:1:13: the metric name must be 1-63 lower-case letters, digits or underscores "
                        + "starting with a letter, found Bad.");
        assertThatThrownBy(() -> SQL.parse("app.sql", "INSERT INTO m\nSELECT window_start FROMM x"))
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith("app.sql:2:27: SQL syntax error: Encountered \"x\"");
        assertThatThrownBy(() -> SQL.parse("app.sql", "  "))
                .hasMessage("app.sql:1:1: found no statement, expected one INSERT INTO metric SELECT ... per metric.");
        String one = "INSERT INTO m SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE e, "
                + "DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end";
        assertThatThrownBy(() -> SQL.parse("app.sql", one + ";\n" + one))
                .hasMessage("app.sql:2:13: the metric m is defined twice; each metric name once.");
    }

    @Test
    void specFilesPicksTheLanguageByExtension() {
        assertThat(SpecFiles.isSql("app.SQL")).isTrue();
        assertThat(SpecFiles.isSql("s3://b/k/0a1b.sql")).isTrue();
        assertThat(SpecFiles.isSql("metrics.yaml")).isFalse();
        assertThatThrownBy(() -> SpecFiles.parse("m.sql", "metrics: []")).hasMessageStartingWith("m.sql:1:1: ");
        assertThatThrownBy(() -> SpecFiles.parse("m.yaml", "metrics: []")).hasMessageStartingWith("m.yaml:1: ");
    }

    @Test
    void aWhereWithoutACelEquivalentNamesWhatIsTaken() {
        // Its own test: the message holds "||", the separator of the table above.
        assertThatThrownBy(() -> SQL.parse("app.sql", "INSERT INTO m "
                + "SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) WHERE name LIKE 'a%' GROUP BY window_start, window_end"))
                .isInstanceOf(SpecException.class)
                .hasMessage("app.sql:1:138: found LIKE, which has no CEL equivalent here; an expression uses field paths, literals, AND, OR, NOT, comparisons, IN (...), IS [NOT] NULL, + - * / MOD, ||, and the functions UPPER, LOWER, SUBSTRING, TRIM, CHAR_LENGTH, POSITION, CAST, CASE, ABS, FLOOR, CEIL, COALESCE, REGEX_LOG_PARSE, W3C_LOG_PARSE, VARIABLE_COLUMN_LOG_PARSE and FIXED_COLUMN_LOG_PARSE.");
    }

    @Test
    void whereTakesScalarFunctionsAsCel() {
        MetricSpec metric = SQL.parse("app.sql", "INSERT INTO m SELECT window_start, window_end, COUNT(*) AS n "
                + "FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) "
                + "WHERE UPPER(TRIM(page)) = '/HOME' AND CHAR_LENGTH(user_id) > 2 "
                + "GROUP BY window_start, window_end").metrics().get(0);
        assertThat(metric.filter().source()).isEqualTo("page.trim().upperAscii() == '/HOME' && size(user_id) > 2");
        assertThat(metric.filter().matches(Map.of("page", " /home ", "user_id", "u-1"))).isTrue();
        assertThat(metric.filter().matches(Map.of("page", "/home", "user_id", "u1"))).isFalse();
    }
}
