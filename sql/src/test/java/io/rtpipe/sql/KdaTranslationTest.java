package io.rtpipe.sql;

import io.rtpipe.core.spec.SpecException;
import io.rtpipe.core.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The notes a migration reports, located in the application, and the input schema given as a file of its own. */
class KdaTranslationTest {

    private static final String SCHEMA_JSON = """
            {"RecordFormat": {"RecordFormatType": "JSON",
                              "MappingParameters": {"JSONMappingParameters": {"RecordRowPath": "$"}}},
             "RecordEncoding": "UTF-8",
             "RecordColumns": [
               {"Name": "TICKER_SYMBOL", "SqlType": "VARCHAR(4)", "Mapping": "$.ticker_symbol"},
               {"Name": "SECTOR", "SqlType": "VARCHAR(16)", "Mapping": "$.sector"},
               {"Name": "PRICE", "SqlType": "REAL", "Mapping": "$.quote.price"}]}
            """;

    /** A filter pump chained into a per-minute count over ROWTIME (lines 1-7). */
    private static final String CHAIN = """
            CREATE OR REPLACE STREAM "TECH_STREAM" (ticker VARCHAR(4), px REAL);
            CREATE OR REPLACE PUMP "TECH_PUMP" AS INSERT INTO "TECH_STREAM"
              SELECT STREAM ticker_symbol, price FROM "SOURCE_SQL_STREAM_001" WHERE sector = 'TECHNOLOGY';
            CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), trades INTEGER);
            CREATE OR REPLACE PUMP "AGG_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
              SELECT STREAM ticker, COUNT(*) AS trades FROM "TECH_STREAM"
              GROUP BY ticker, STEP("TECH_STREAM".ROWTIME BY INTERVAL '60' SECOND);
            """;

    @Test
    void eachStatementIsLocatedThenTheDifferences() {
        KdaTranslation translation = KdaSqlLoader.standard().translate("app.sql", CHAIN, "schema.json", SCHEMA_JSON);
        List<KdaTranslation.Note> notes = translation.notes();
        assertThat(notes).extracting(n -> n.kind() + " " + n.line() + ":" + n.column()).containsExactly(
                "STATEMENT 1:1", "STATEMENT 2:39", "STATEMENT 4:1", "STATEMENT 5:38",
                "DIFFERENCE 7:20", "DIFFERENCE 0:0", "DIFFERENCE 0:0");
        assertThat(notes.get(0).text()).isEqualTo("CREATE STREAM TECH_STREAM (TICKER, PX): an in-application "
                + "stream, filled by its pump.");
        assertThat(notes.get(1).text()).startsWith("the pump into TECH_STREAM only selects and filters: folded");
        assertThat(notes.get(3).text()).isEqualTo("the pump into DESTINATION_SQL_STREAM is the metric "
                + "destination_sql_stream: trades = count per ticker_symbol, tumbling 1m windows on arrival time, "
                + "filter sector == 'TECHNOLOGY'.");
        assertThat(notes.get(4).text()).startsWith("ROWTIME is the record's Kinesis arrival time");
        assertThat(notes.get(5).text()).startsWith("results are exact: KDA delivers at least once");
        // The schema file's mapping is used, as if the schema were in the application's comment.
        assertThat(translation.config().metrics().get(0).fingerprint()).isEqualTo(SpecLoader.standard().parse(
                "twin.yaml", """
                        metrics:
                          - name: destination_sql_stream
                            filter: "sector == 'TECHNOLOGY'"
                            group_by: [ticker_symbol]
                            timestamp: arrival
                            window: {type: tumbling, size: 1m}
                            aggregates:
                              - {name: trades, fn: count}
                        """).metrics().get(0).fingerprint());
    }

    @Test
    void aSchemaFileMistakeIsLocatedInThatFile() {
        assertThatThrownBy(() -> KdaSqlLoader.standard().translate("app.sql", CHAIN, "schema.json",
                "{\"RecordColumns\": [{\"Name\": \"SECTOR\", \"Mapping\": \"$[0]\"}]}"))
                .isInstanceOf(SpecException.class).hasMessageStartingWith("schema.json:1:1: RecordColumns[0] (SECTOR) "
                        + "has Mapping '$[0]'");
    }

    @Test
    void aSchemaInBothPlacesIsRefusedAtTheComment() {
        String withComment = "/* input_schema: " + SCHEMA_JSON + " */\n" + CHAIN;
        assertThatThrownBy(() -> KdaSqlLoader.standard().translate("app.sql", withComment, "schema.json",
                SCHEMA_JSON)).isInstanceOf(SpecException.class).hasMessage("app.sql:1:17: the input schema is "
                + "given twice, in this comment and in schema.json; keep one.");
    }
}
