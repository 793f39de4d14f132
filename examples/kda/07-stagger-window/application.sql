-- A stagger window (AWS's "Stagger Windows" example): per ticker and event-time minute, a window opened by its first
-- record that lasts 10 seconds.
/* input_schema: {
  "RecordFormat": {"RecordFormatType": "JSON",
                   "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
  "RecordEncoding": "UTF-8",
  "RecordColumns": [
    {"Name": "TICKER_SYMBOL", "SqlType": "VARCHAR(4)", "Mapping": "$.ticker_symbol"},
    {"Name": "SECTOR", "SqlType": "VARCHAR(16)", "Mapping": "$.sector"},
    {"Name": "CHANGE", "SqlType": "REAL", "Mapping": "$.change"},
    {"Name": "PRICE", "SqlType": "REAL", "Mapping": "$.price"},
    {"Name": "EVENT_TIME", "SqlType": "TIMESTAMP", "Mapping": "$.event_time"}]} */
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    TICKER_SYMBOL VARCHAR(4),
    EVENT_TIME TIMESTAMP,
    TICKER_COUNT INTEGER);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM TICKER_SYMBOL, FLOOR(EVENT_TIME TO MINUTE), COUNT(TICKER_SYMBOL) AS TICKER_COUNT
    FROM "SOURCE_SQL_STREAM_001"
    WINDOWED BY STAGGER (
        PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '10' SECOND);
