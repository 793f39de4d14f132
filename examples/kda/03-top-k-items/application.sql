-- The three most traded tickers per minute with TOP_K_ITEMS_TUMBLING (AWS's "Most Frequently Occurring Values"
-- example).
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
    "TICKER" VARCHAR(4),
    "MOST_FREQUENT_VALUES" BIGINT);

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM *
    FROM TABLE (TOP_K_ITEMS_TUMBLING(
        CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"),
        'TICKER_SYMBOL',
        3,
        60));
