/* input_schema: {
  "RecordFormat": {"RecordFormatType": "JSON",
                   "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
  "RecordEncoding": "UTF-8",
  "RecordColumns": [
    {"Name": "TICKER_SYMBOL", "SqlType": "VARCHAR(4)", "Mapping": "$.ticker_symbol"},
    {"Name": "SECTOR", "SqlType": "VARCHAR(16)", "Mapping": "$.sector"},
    {"Name": "CHANGE", "SqlType": "REAL", "Mapping": "$.change"},
    {"Name": "PRICE", "SqlType": "REAL", "Mapping": "$.quote.price"},
    {"Name": "EVENT_TIME", "SqlType": "TIMESTAMP", "Mapping": "$.event_time"}]} */
-- A chain of in-application streams (AWS's "multiple pumps" pattern): a pump keeps the technology sector, a second
-- keeps the prices above 10, and the last counts per ticker in 30-second windows of event time, stepping ROWTIME
-- beside it as KDA needs to emit.
CREATE OR REPLACE STREAM "TECH_STREAM" (ticker VARCHAR(4), px REAL, event_time TIMESTAMP);
CREATE OR REPLACE PUMP "TECH_PUMP" AS INSERT INTO "TECH_STREAM"
  SELECT STREAM ticker_symbol, price, event_time FROM "SOURCE_SQL_STREAM_001" WHERE sector = 'TECHNOLOGY';

CREATE OR REPLACE STREAM "PRICED_STREAM" (ticker VARCHAR(4), px REAL, event_time TIMESTAMP);
CREATE OR REPLACE PUMP "PRICED_PUMP" AS INSERT INTO "PRICED_STREAM"
  SELECT STREAM * FROM "TECH_STREAM" WHERE px > 10;

CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), trades INTEGER, high REAL);
CREATE OR REPLACE PUMP "OUTPUT_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker, COUNT(*) AS trades, MAX(px) AS high
  FROM "PRICED_STREAM" AS p
  GROUP BY ticker,
           STEP(p.ROWTIME BY INTERVAL '30' SECOND),
           STEP(p.event_time BY INTERVAL '30' SECOND);
