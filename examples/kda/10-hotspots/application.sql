-- Hotspots per minute, in the shape of AWS's KDA example "Detecting Hotspots on a Stream".
-- KDA's HOTSPOTS looked at the last windowSize records of the stream; here the points live per
-- tumbling window and key, so the pump names its window (GROUP BY STEP(...)).
/* input_schema: {
  "RecordFormat": {"RecordFormatType": "JSON",
                   "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
  "RecordEncoding": "UTF-8",
  "RecordColumns": [
    {"Name": "x", "SqlType": "DOUBLE", "Mapping": "$.x"},
    {"Name": "y", "SqlType": "DOUBLE", "Mapping": "$.y"},
    {"Name": "is_hot", "SqlType": "VARCHAR(4)", "Mapping": "$.is_hot"}]} */
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    "x" DOUBLE,
    "y" DOUBLE,
    HOTSPOTS_RESULT VARCHAR(10000));

CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM "x", "y", "HOTSPOTS_RESULT"
    FROM TABLE(HOTSPOTS(
           CURSOR(SELECT STREAM "x", "y" FROM "SOURCE_SQL_STREAM_001"),
           1000,
           0.2,
           17))
    GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);
