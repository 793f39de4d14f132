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
-- One pump with a WHERE (AWS's "filter" examples): falls of more than 2 outside retail, per sector and minute of
-- event time, with the deepest fall and the total change.
CREATE OR REPLACE STREAM "BIG_FALLS" (sector VARCHAR(16), falls INTEGER, deepest REAL, total_change REAL);
CREATE OR REPLACE PUMP "FALLS_PUMP" AS INSERT INTO "BIG_FALLS"
  SELECT STREAM sector, COUNT(*), MIN(change), SUM(change)
  FROM "SOURCE_SQL_STREAM_001"
  WHERE change < -2 AND sector <> 'RETAIL'
  GROUP BY sector, STEP("SOURCE_SQL_STREAM_001".event_time BY INTERVAL '1' MINUTE);
