-- Anomaly scores with RANDOM_CUT_FOREST (AWS's "Detecting Data Anomalies" example).
/* input_schema: {
  "RecordFormat": {"RecordFormatType": "JSON",
                   "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
  "RecordEncoding": "UTF-8",
  "RecordColumns": [
    {"Name": "TICKER_SYMBOL", "SqlType": "VARCHAR(4)", "Mapping": "$.ticker_symbol"},
    {"Name": "SECTOR", "SqlType": "VARCHAR(16)", "Mapping": "$.sector"},
    {"Name": "CHANGE", "SqlType": "REAL", "Mapping": "$.change"},
    {"Name": "PRICE", "SqlType": "REAL", "Mapping": "$.price"}]} */
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    "TICKER_SYMBOL" VARCHAR(4), "SECTOR" VARCHAR(16), "CHANGE" REAL, "PRICE" REAL, "ANOMALY_SCORE" DOUBLE);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM "TICKER_SYMBOL", "SECTOR", "CHANGE", "PRICE", "ANOMALY_SCORE"
  FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001")));
