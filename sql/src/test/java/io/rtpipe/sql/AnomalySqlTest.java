package io.rtpipe.sql;

import org.junit.jupiter.api.Test;

import static io.rtpipe.sql.KdaSqlTest.assertRefused;
import static io.rtpipe.sql.KdaSqlTest.assertSame;

/**
 * RANDOM_CUT_FOREST in rtpipe SQL, and KDA's in the shape of AWS's anomaly-detection example with the tumbling
 * window it needs here, each against the YAML spec that means the same; what cannot be mapped is refused with what to
 * write instead.
 */
class AnomalySqlTest {

    @Test
    void rtpipeSqlTakesEveryPositionalOperandAsAFieldOfThePoint() {
        assertSame("""
                INSERT INTO latency_anomalies
                SELECT /*+ OPTIONS('max_keys_per_window'='100') */ window_start, window_end, host,
                  RANDOM_CUT_FOREST(latency_ms, bytes, number_of_trees => 50, threshold => 2.5) AS anomaly
                FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
                GROUP BY window_start, window_end, host;
                """, """
                metrics:
                  - name: latency_anomalies
                    group_by: [host]
                    window: {type: tumbling, size: 1m}
                    max_keys_per_window: 100
                    aggregates:
                      - {name: anomaly, fn: random_cut_forest, fields: [latency_ms, bytes], number_of_trees: 50,
                         threshold: 2.5}
                """);
    }


    @Test
    void randomCutForestPerWindowAndKeyIsTheRandomCutForestAggregate() {
        assertSame("""
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
                    "host" VARCHAR(16), "latency_ms" DOUBLE, "bytes" INTEGER, ANOMALY_SCORE DOUBLE);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM "host", "latency_ms", "bytes", ANOMALY_SCORE
                  FROM TABLE(RANDOM_CUT_FOREST(
                         CURSOR(SELECT STREAM "host", "latency_ms", "bytes" FROM "SOURCE_SQL_STREAM_001"
                                WHERE "latency_ms" > 0),
                         50, 128, 1000, 2))
                  GROUP BY "host", STEP("SOURCE_SQL_STREAM_001"."ts" BY INTERVAL '60' SECOND);
                """, """
                metrics:
                  - name: destination_sql_stream
                    filter: "latency_ms > 0"
                    group_by: [host]
                    timestamp: ts
                    window: {type: tumbling, size: 1m}
                    max_keys_per_window: 100
                    aggregates:
                      - {name: anomaly_score, fn: random_cut_forest, fields: [latency_ms, bytes],
                         number_of_trees: 50, sub_sample_size: 128, time_decay: 1000, shingle_size: 2}
                """);
    }

    @Test
    void withExplanationTakesTheDirectionalFlagAndTheExplanationColumn() {
        assertSame("""
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
                    "heartRate" INTEGER, "rc" INTEGER, ANOMALY_SCORE DOUBLE, ANOMALY_EXPLANATION VARCHAR(20480));
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM "heartRate", "rc", ANOMALY_SCORE, ANOMALY_EXPLANATION
                  FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(
                         CURSOR(SELECT STREAM "heartRate", "rc" FROM "SOURCE_SQL_STREAM_001"),
                         100, 256, 100000, 1, TRUE))
                  GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '5' MINUTE);
                """, """
                metrics:
                  - name: destination_sql_stream
                    timestamp: arrival
                    window: {type: tumbling, size: 5m}
                    max_keys_per_window: 100
                    aggregates:
                      - {name: anomaly_score, fn: random_cut_forest_with_explanation, fields: [heartRate, rc],
                         number_of_trees: 100, sub_sample_size: 256, time_decay: 100000, shingle_size: 1}
                """);
    }

    @Test
    void withoutAWindowOrWithAStarOrHotspotsItIsRefusedSayingWhatToWrite() {
        assertRefused("""
                CREATE OR REPLACE STREAM "TEMP_STREAM" ("heartRate" INTEGER, "rc" INTEGER, "ANOMALY_SCORE" DOUBLE);
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "TEMP_STREAM"
                  SELECT STREAM "heartRate", "rc", ANOMALY_SCORE
                  FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM "heartRate", "rc" FROM "SOURCE_SQL_STREAM_001")));
                """, "app.sql:3:3: RANDOM_CUT_FOREST needs a tumbling window here: its forest lives in the state of "
                + "one window and key (KDA's ran over the whole stream), so add GROUP BY "
                + "STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '60' SECOND) or "
                + "FLOOR(\"SOURCE_SQL_STREAM_001\".ROWTIME TO MINUTE) after the TABLE(...), with any key columns of "
                + "the CURSOR before it.");
        assertRefused("""
                CREATE OR REPLACE STREAM "D" (ANOMALY_SCORE DOUBLE);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM ANOMALY_SCORE
                  FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001")))
                  GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);
                """, "app.sql:4:53: * is refused in RANDOM_CUT_FOREST's CURSOR: list the numeric columns the forest "
                + "scores (and the key columns), e.g. CURSOR(SELECT STREAM \"heartRate\", \"rc\" FROM "
                + "\"SOURCE_SQL_STREAM_001\").");
        assertRefused("""
                CREATE OR REPLACE STREAM "D" (ANOMALY_SCORE DOUBLE);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM ANOMALY_SCORE
                  FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM "x" FROM "SOURCE_SQL_STREAM_001"), 2000))
                  GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);
                """, "app.sql:4:14: a parameter of RANDOM_CUT_FOREST is out of range (number_of_trees: found 2000, "
                + "expected a whole number from 1 to 1000).");
        assertRefused("""
                CREATE OR REPLACE STREAM "D" ("HOTSPOTS_RESULT" VARCHAR(10000));
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM "HOTSPOTS_RESULT"
                  FROM TABLE(HOTSPOTS(CURSOR(SELECT STREAM "x", "y" FROM "SOURCE_SQL_STREAM_001"), 1000, 0.013, 20));
                """, "app.sql:3:3: HOTSPOTS needs a tumbling window here: its points live in the state of one "
                + "window and key (KDA's ran over the whole stream), so add GROUP BY "
                + "STEP(\"SOURCE_SQL_STREAM_001\".ROWTIME BY INTERVAL '60' SECOND) or "
                + "FLOOR(\"SOURCE_SQL_STREAM_001\".ROWTIME TO MINUTE) after the TABLE(...), with any key columns of "
                + "the CURSOR before it.");
        assertRefused("""
                CREATE OR REPLACE STREAM "D" ("HOTSPOTS_RESULT" VARCHAR(10000));
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "D"
                  SELECT STREAM "HOTSPOTS_RESULT"
                  FROM TABLE(HOTSPOTS(CURSOR(SELECT STREAM "x", "y" FROM "SOURCE_SQL_STREAM_001"), 5000, 0.013, 20))
                  GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);
                """, "app.sql:4:84: HOTSPOTS' windowSize is from 100 to 1000 (as in KDA), found 5000.");
    }

    @Test
    void hotspotsPerTumblingWindowIsTheHotspotsAggregate() {
        assertSame("""
                CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" ("x" DOUBLE, "y" DOUBLE,
                    HOTSPOTS_RESULT VARCHAR(10000));
                CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
                  SELECT STREAM "x", "y", "HOTSPOTS_RESULT"
                  FROM TABLE(HOTSPOTS(CURSOR(SELECT STREAM "x", "y" FROM "SOURCE_SQL_STREAM_001"), 1000, 0.2, 17))
                  GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);
                """, """
                metrics:
                  - name: destination_sql_stream
                    timestamp: arrival
                    window: {type: tumbling, size: 1m}
                    max_keys_per_window: 1000
                    aggregates:
                      - {name: hotspots_result, fn: hotspots, fields: [x, y], scan_radius: 0.2, min_points: 17,
                         max_points: 1000}
                """);
    }
}
