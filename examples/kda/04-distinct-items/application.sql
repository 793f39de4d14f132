-- Distinct tickers that fell, per minute, with COUNT_DISTINCT_ITEMS_TUMBLING over a filtered cursor (AWS's
-- "Approximate distinct count" example).
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
    NUMBER_OF_DISTINCT_ITEMS BIGINT);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM *
    FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(
        CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001" WHERE CHANGE < 0),
        'TICKER_SYMBOL',
        60));
