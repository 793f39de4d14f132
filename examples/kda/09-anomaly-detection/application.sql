-- Anomaly scores per host and minute, in the shape of AWS's KDA anomaly-detection example.
-- KDA's forest ran over the whole stream; here it lives per tumbling window and key, so the
-- pump names its window (GROUP BY ..., STEP(...)), here on the event-time field "ts".
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    "host"        VARCHAR(16),
    "latency_ms"  DOUBLE,
    "bytes"       INTEGER,
    ANOMALY_SCORE DOUBLE);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM "host", "latency_ms", "bytes", ANOMALY_SCORE
    FROM TABLE(RANDOM_CUT_FOREST(
           CURSOR(SELECT STREAM "host", "latency_ms", "bytes" FROM "SOURCE_SQL_STREAM_001")))
    GROUP BY "host", STEP("SOURCE_SQL_STREAM_001"."ts" BY INTERVAL '60' SECOND);
