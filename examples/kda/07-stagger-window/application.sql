-- A stagger window (AWS's "Stagger Windows" example): a window opened by each key's first record.
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
    TICKER_SYMBOL VARCHAR(4),
    TICKER_COUNT INTEGER);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM TICKER_SYMBOL, COUNT(*) AS TICKER_COUNT
    FROM "SOURCE_SQL_STREAM_001"
    WINDOWED BY STAGGER (
        PARTITION BY TICKER_SYMBOL, FLOOR(ROWTIME TO MINUTE) RANGE INTERVAL '1' MINUTE);
