package io.rtpipe.sql;

import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.metric.MetricSpec;
import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * KDA application code in the shapes of AWS's published KDA SQL examples, each against the YAML spec that means the
 * same (core's SpecLoader is the ground truth: equal definitions and fingerprints), and every refusal located.
 */
class KdaSqlTest {

    /** The stock-ticker demo stream's schema as DescribeApplication gives it, one field nested to show the path. */
    private static final String SCHEMA = """
            /* input_schema: {
              "RecordFormat": {"RecordFormatType": "JSON",
                               "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
              "RecordEncoding": "UTF-8",
              "RecordColumns": [
                {"Name": "TICKER_SYMBOL", "SqlType": "VARCHAR(4)", "Mapping": "$.ticker_symbol"},
                {"Name": "SECTOR", "SqlType": "VARCHAR(16)", "Mapping": "$.sector"},
                {"Name": "CHANGE", "SqlType": "REAL", "Mapping": "$.change"},
                {"Name": "PRICE", "SqlType": "REAL", "Mapping": "$.quote.price"},
                {"Name": "EVENT_TIME", "SqlType": "TIMESTAMP", "Mapping": "$.event_time"}
              ]} */
            """;

    static void assertSame(String kda, String yaml) {
        EngineConfig fromKda = SpecFiles.parse("app.sql", kda);
        EngineConfig fromYaml = SpecLoader.standard().parse("app.yaml", yaml);
        assertThat(fromKda.metrics()).hasSameSizeAs(fromYaml.metrics());
        for (int i = 0; i < fromYaml.metrics().size(); i++) {
            MetricSpec k = fromKda.metrics().get(i);
            MetricSpec y = fromYaml.metrics().get(i);
            assertThat(k.name()).isEqualTo(y.name());
            assertThat(k.definition()).isEqualTo(y.definition());
            assertThat(k.fingerprint()).isEqualTo(y.fingerprint());
            assertThat(k.timestamp()).isEqualTo(y.timestamp());
            assertThat(k.toString()).isEqualTo(y.toString());
        }
        assertThat(fromKda.decoder()).isEqualTo(fromYaml.decoder());
    }

    static void assertRefused(String kda, String message) {
        assertThatThrownBy(() -> SpecFiles.parse("app.sql", kda))
                .isInstanceOf(SpecException.class).hasMessage(message);
    }

    @Test
    void tumblingCountPerTickerByStepOverRowtime() {
        assertSame(SCHEMA + """
                -- AWS's "tumbling window using ROWTIME"
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
                    TICKER_SYMBOL VARCHAR(4),
                    TICKER_SYMBOL_COUNT INTEGER);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS
                  INSERT INTO "DESTINATION_SQL_STREAM"
                    SELECT STREAM TICKER_SYMBOL, COUNT(*) AS TICKER_SYMBOL_COUNT
                    FROM "SOURCE_SQL_STREAM_001"
                    GROUP BY TICKER_SYMBOL, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);
                """, """
                metrics:
                  - name: destination_sql_stream
                    group_by: [ticker_symbol]
                    timestamp: arrival
                    window: {type: tumbling, size: 1m}
                    aggregates:
                      - {name: ticker_symbol_count, fn: count}
                """);
    }

    @Test
    void floorToMinuteWithoutSchemaReadsFieldsAsWritten() {
        assertSame("""
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), avg_price DOUBLE,
                    max_price DOUBLE, "Trades" BIGINT);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM ticker_symbol, AVG(price) AS avg_price, MAX(price), COUNT(*)
                  FROM "SOURCE_SQL_STREAM_001"
                  GROUP BY ticker_symbol, FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);
                """, """
                metrics:
                  - name: destination_sql_stream
                    group_by: [ticker_symbol]
                    timestamp: arrival
                    window: {type: tumbling, size: 1m}
                    aggregates:
                      - {name: avg_price, fn: avg, field: price}
                      - {name: max_price, fn: max, field: price}
                      - {name: trades, fn: count}
                """);
    }

    @Test
    void eventTimeStepBesideRowtimeStepIsTheEventTimeWindow() {
        assertSame(SCHEMA + """
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (EVENT_TIME TIMESTAMP, TICKER_SYMBOL VARCHAR(4),
                    TICKER_COUNT INTEGER);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM STEP("SOURCE_SQL_STREAM_001".EVENT_TIME BY INTERVAL '60' SECOND) AS EVENT_TIME,
                         TICKER_SYMBOL, COUNT(*) AS TICKER_COUNT
                  FROM "SOURCE_SQL_STREAM_001"
                  GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND),
                           STEP("SOURCE_SQL_STREAM_001".EVENT_TIME BY INTERVAL '60' SECOND), TICKER_SYMBOL;
                """, """
                metrics:
                  - name: destination_sql_stream
                    group_by: [ticker_symbol]
                    timestamp: {field: event_time, format: iso8601}
                    window: {type: tumbling, size: 1m}
                    aggregates:
                      - {name: ticker_count, fn: count}
                """);
    }

    @Test
    void filteredPumpAndNestedSchemaMapping() {
        assertSame(SCHEMA + """
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), sector VARCHAR(16),
                    total_change DOUBLE, distinct_prices BIGINT);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM s.ticker_symbol, s.sector, SUM(s.change) AS total_change,
                         COUNT(DISTINCT s.price) AS distinct_prices
                  FROM "SOURCE_SQL_STREAM_001" AS s
                  WHERE s.sector = 'TECHNOLOGY' AND (price > 10 OR "SOURCE_SQL_STREAM_001".change < 0)
                  GROUP BY s.ticker_symbol, s.sector, STEP(s.ROWTIME BY INTERVAL '10' SECOND);
                """, """
                metrics:
                  - name: destination_sql_stream
                    filter: "sector == 'TECHNOLOGY' && (quote.price > 10 || change < 0)"
                    group_by: [ticker_symbol, sector]
                    timestamp: arrival
                    window: {type: tumbling, size: 10s}
                    aggregates:
                      - {name: total_change, fn: sum, field: change}
                      - {name: distinct_prices, fn: distinct, field: quote.price}
                """);
    }

    @Test
    void aTwoPumpChainIsFoldedIntoOneMetric() {
        assertSame(SCHEMA + """
                -- an in-application stream of technology trades, then a per-minute aggregate over it
                CREATE OR REPLACE STREAM "TECH_STREAM" (ticker VARCHAR(4), px REAL);
                CREATE OR REPLACE PUMP "TECH_PUMP" AS INSERT INTO "TECH_STREAM"
                  SELECT STREAM ticker_symbol, price FROM "SOURCE_SQL_STREAM_001" WHERE sector = 'TECHNOLOGY';
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), avg_px REAL, trades INTEGER);
                CREATE OR REPLACE PUMP "AGG_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM ticker, AVG(px) AS avg_px, COUNT(*) AS trades
                  FROM "TECH_STREAM"
                  WHERE px > 10 OR px < 1
                  GROUP BY ticker, STEP("TECH_STREAM".ROWTIME BY INTERVAL '1' MINUTE)
                """, """
                metrics:
                  - name: destination_sql_stream
                    filter: "sector == 'TECHNOLOGY' && (quote.price > 10 || quote.price < 1)"
                    group_by: [ticker_symbol]
                    timestamp: arrival
                    window: {type: tumbling, size: 1m}
                    aggregates:
                      - {name: avg_px, fn: avg, field: quote.price}
                      - {name: trades, fn: count}
                """);
    }

    @Test
    void countDistinctAndTopKItemsTumblingAreDistinctAndTopk() {
        assertSame(SCHEMA + """
                CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM (NUMBER_OF_DISTINCT_ITEMS BIGINT);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM * FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(
                      CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001" WHERE SECTOR = 'TECHNOLOGY'),
                      'TICKER_SYMBOL', -- name of column in single quotes
                      60));            -- tumbling window size in seconds
                CREATE OR REPLACE STREAM "TOP_TICKERS" ("TICKER" VARCHAR(4), "MOST_FREQUENT_VALUES" BIGINT);
                CREATE OR REPLACE PUMP "TOP_PUMP" AS INSERT INTO "TOP_TICKERS"
                  SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(
                      CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 5, 10));
                """, """
                metrics:
                  - name: destination_sql_stream
                    filter: "sector == 'TECHNOLOGY'"
                    timestamp: arrival
                    window: {type: tumbling, size: 1m}
                    aggregates:
                      - {name: number_of_distinct_items, fn: distinct, field: ticker_symbol}
                  - name: top_tickers
                    timestamp: arrival
                    window: {type: tumbling, size: 10s}
                    aggregates:
                      - {name: ticker, fn: topk, field: ticker_symbol, k: 5}
                """);
    }

    @Test
    void detectedByItsPumpAndRtpipeSqlStillLoads() {
        assertThat(KdaSqlLoader.isKda("CREATE OR REPLACE PUMP \"P\" AS INSERT INTO x SELECT STREAM 1")).isTrue();
        assertThat(KdaSqlLoader.isKda("create pump p as insert into x select stream 1")).isTrue();
        assertThat(KdaSqlLoader.isKda("-- CREATE OR REPLACE PUMP\nINSERT INTO m SELECT 'CREATE PUMP' FROM t"))
                .isFalse();
        EngineConfig rtpipe = SpecFiles.parse("app.sql", """
                INSERT INTO per_minute SELECT window_start, window_end, COUNT(*) AS n
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(arrival), INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end
                """);
        assertThat(rtpipe.metrics().get(0).name()).isEqualTo("per_minute");
    }

    @Test
    void aSlidingWindowIsRefused() {
        assertRefused("""
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), avg_price DOUBLE);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM ticker_symbol, AVG(price) OVER W1 AS avg_price
                  FROM "SOURCE_SQL_STREAM_001"
                  WINDOW W1 AS (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE PRECEDING);
                """, "app.sql:5:3: sliding windows (OVER, WINDOW ... RANGE INTERVAL ... PRECEDING) are refused: "
                + "they give one output row per input row, and the engine writes one result per window and key; use "
                + "a tumbling window, GROUP BY keys, STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '60' SECOND) "
                + "or FLOOR(\"SOURCE_SQL_STREAM_001\".ROWTIME TO MINUTE).");
    }

    @Test
    void aJoinWithReferenceDataIsRefused() {
        assertRefused("""
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), company VARCHAR(20),
                    n INTEGER);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM ticker_symbol, "c"."Company", COUNT(*)
                  FROM "SOURCE_SQL_STREAM_001" LEFT JOIN "CompanyName" AS "c"
                    ON "SOURCE_SQL_STREAM_001".ticker_symbol = "c"."Ticker"
                  GROUP BY ticker_symbol, "c"."Company", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);
                """, "app.sql:5:37: joins are refused: the engine aggregates one stream, shard by shard, and a join "
                + "(also with reference data) needs state across shards it does not keep.");
    }

    @Test
    void logParsingIsADerivedFieldPerParsedColumn() {
        assertSame("""
                CREATE OR REPLACE STREAM "PARSED" (status VARCHAR(3));
                CREATE OR REPLACE PUMP "P1" AS INSERT INTO "PARSED"
                  SELECT STREAM REGEX_LOG_PARSE("log", '.* (\\d{3}) .*').COLUMN1 FROM "SOURCE_SQL_STREAM_001";
                CREATE OR REPLACE STREAM "D" (status VARCHAR(3), n INTEGER);
                CREATE OR REPLACE PUMP "P2" AS INSERT INTO "D"
                  SELECT STREAM status, COUNT(*) FROM "PARSED" GROUP BY status, STEP("PARSED".ROWTIME BY INTERVAL '1' MINUTE);
                """, """
                metrics:
                  - name: d
                    derive: {status: "regexGroup(log, r'.* (\\\\d{3}) .*', 1)"}
                    group_by: [status]
                    timestamp: arrival
                    window: {type: tumbling, size: 1m}
                    aggregates: [{name: n, fn: count}]
                """);
    }

    @Test
    void staggerWindowsAreStaggerWindowsOnTheTimeTheirPartitionFloors() {
        assertSame("""
                CREATE OR REPLACE STREAM "D" (k VARCHAR(4), n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM k, COUNT(*) AS n FROM "SOURCE_SQL_STREAM_001"
                  WINDOWED BY STAGGER (PARTITION BY k RANGE INTERVAL '1' MINUTE);
                """, """
                metrics:
                  - name: d
                    group_by: [k]
                    timestamp: arrival
                    window: {type: stagger, size: 1m}
                    aggregates:
                      - {name: n, fn: count}
                """);
        assertSame(SCHEMA + """
                CREATE OR REPLACE STREAM "D" (ticker VARCHAR(4), event_minute TIMESTAMP, n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM ticker_symbol, FLOOR(EVENT_TIME TO MINUTE), COUNT(ticker_symbol) AS n
                  FROM "SOURCE_SQL_STREAM_001"
                  WINDOWED BY STAGGER (
                      PARTITION BY FLOOR(EVENT_TIME TO MINUTE), ticker_symbol RANGE INTERVAL '10' SECOND);
                """, """
                metrics:
                  - name: d
                    group_by: [ticker_symbol]
                    timestamp: {field: event_time, format: iso8601}
                    window: {type: stagger, size: 10s, max_length: 1m}
                    aggregates:
                      - {name: n, fn: count, field: ticker_symbol}
                """);
        assertRefused("""
                CREATE OR REPLACE STREAM "D" (k VARCHAR(4), n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM k, COUNT(*) AS n FROM "SOURCE_SQL_STREAM_001"
                  WINDOWED BY STAGGER (PARTITION BY k, SUBSTRING(k, 1, 2) RANGE INTERVAL '1' MINUTE);
                """, "app.sql:4:40: PARTITION BY takes columns and at most one FLOOR(t TO unit), found "
                + "SUBSTRING(`k`, 1, 2).");
        assertRefused("""
                CREATE OR REPLACE STREAM "D" (k VARCHAR(4), n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM k, COUNT(*) AS n FROM "SOURCE_SQL_STREAM_001"
                  WINDOWED BY STAGGER (PARTITION BY k);
                """, "app.sql:4:24: WINDOWED BY STAGGER's PARTITION BY ends with RANGE INTERVAL 'N' MINUTE, the "
                + "window's length.");
    }

    @Test
    void whatTheEngineCannotRunIsRefusedLocated() {
        assertRefused("""
                CREATE OR REPLACE STREAM "PER_MINUTE" (k VARCHAR(4), n INTEGER);
                CREATE OR REPLACE PUMP "P1" AS INSERT INTO "PER_MINUTE"
                  SELECT STREAM k, COUNT(*) AS n FROM "SOURCE_SQL_STREAM_001"
                  GROUP BY k, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);
                CREATE OR REPLACE STREAM "PER_HOUR" (k VARCHAR(4), n INTEGER);
                CREATE OR REPLACE PUMP "P2" AS INSERT INTO "PER_HOUR"
                  SELECT STREAM k, SUM(n) AS n FROM "PER_MINUTE"
                  GROUP BY k, STEP("PER_MINUTE".ROWTIME BY INTERVAL '1' HOUR);
                """, "app.sql:7:37: PER_MINUTE holds aggregated rows (its pump groups by a window): a second "
                + "aggregation level over aggregated results is refused, since results are per-shard partials merged "
                + "when read; aggregate the input stream directly, or read the results and aggregate them there.");
        assertRefused("""
                CREATE OR REPLACE STREAM "D" (k VARCHAR(4));
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM k FROM "SOURCE_SQL_STREAM_001" WHERE k = 'a';
                """, "app.sql:3:3: this pump writes one row per input row into D (no GROUP BY): the engine writes "
                + "window results only; aggregate with GROUP BY keys, STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY "
                + "INTERVAL '60' SECOND) or FLOOR(\"SOURCE_SQL_STREAM_001\".ROWTIME TO MINUTE).");
        assertRefused(SCHEMA + """
                CREATE OR REPLACE STREAM "D" (k VARCHAR(4), n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM ticker, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
                  GROUP BY ticker, STEP(ROWTIME BY INTERVAL '1' MINUTE);
                """, "app.sql:15:12: the input schema has no column TICKER (it has TICKER_SYMBOL, SECTOR, CHANGE, "
                + "PRICE, EVENT_TIME; unquoted names are upper-cased, as in KDA).");
        assertRefused("""
                CREATE OR REPLACE STREAM "D";
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D" SELECT STREAM COUNT(*) FROM "SOURCE_SQL_STREAM_001";
                """, "app.sql:1:26: CREATE STREAM declares its columns: CREATE OR REPLACE STREAM "
                + "\"DESTINATION_SQL_STREAM\" (ticker_symbol VARCHAR(4), ticker_count INTEGER).");
        assertRefused("""
                CREATE OR REPLACE STREAM "D" (k VARCHAR(4), n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "E" SELECT STREAM k, COUNT(*) FROM "SOURCE_SQL_STREAM_001"
                  GROUP BY k, STEP(ROWTIME BY INTERVAL '1' MINUTE);
                """, "app.sql:2:43: INSERT INTO E: no such stream is created before this pump; create it with "
                + "CREATE OR REPLACE STREAM first.");
        assertRefused("""
                CREATE OR REPLACE STREAM "D" (k VARCHAR(4), n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM k, COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY k;
                """, "app.sql:3:58: a streaming GROUP BY needs a window, STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY "
                + "INTERVAL '60' SECOND) or FLOOR(\"SOURCE_SQL_STREAM_001\".ROWTIME TO MINUTE) (an aggregation over a "
                + "stream without one never ends).");
    }
}
