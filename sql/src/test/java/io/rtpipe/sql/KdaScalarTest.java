package io.rtpipe.sql;

import io.rtpipe.core.checkpoint.ShardProgress;
import io.rtpipe.core.engine.EngineConfig;
import io.rtpipe.core.engine.ShardEngine;
import io.rtpipe.core.engine.WindowResult;
import io.rtpipe.core.event.DecoderSpec;
import io.rtpipe.core.record.InputRecord;
import io.rtpipe.core.record.RecordPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KDA's scalar and log-parsing functions, run: each application goes through the engine on a few events whose
 * results are worked out by hand in the comments, so the test checks what the functions compute, not their CEL text.
 */
class KdaScalarTest {

    /** Result values by the key's values joined with '|'. */
    private static Map<String, Map<String, Object>> run(String kda, String... events) {
        EngineConfig config = SpecFiles.parse("app.sql", kda);
        ShardEngine engine = new ShardEngine(config, "shard-0", ShardProgress.initial());
        long n = 0;
        for (String event : events) {
            n++;
            engine.process(new InputRecord(RecordPosition.of(Long.toString(n)), "pk", 1_764_133_200_000L + n,
                    event.getBytes(StandardCharsets.UTF_8)));
        }
        engine.endOfInput();
        Map<String, Map<String, Object>> byKey = new TreeMap<>();
        for (WindowResult result : engine.takeFiredResults()) {
            byKey.put(String.join("|", result.key().values()), result.values());
        }
        assertThat(engine.planCheckpoint().orElseThrow().deadLetters()).isEmpty();
        return byKey;
    }

    @Test
    void scalarFunctionsInAProjectingPumpItsWhereAndTheAggregatingPump() {
        String kda = """
                CREATE OR REPLACE STREAM "CLEAN" (sym VARCHAR(8), px DOUBLE, label VARCHAR(16));
                CREATE OR REPLACE PUMP "P1" AS INSERT INTO "CLEAN"
                  SELECT STREAM UPPER(TRIM(ticker)), ABS(change) * 2,
                                COALESCE(tag, 'none') || '-' || SUBSTRING(sector FROM 1 FOR 3)
                  FROM "SOURCE_SQL_STREAM_001" WHERE CHAR_LENGTH(ticker) > 0;
                CREATE OR REPLACE STREAM "DEST" (sym VARCHAR(8), label VARCHAR(16), total DOUBLE, n INTEGER,
                                                 big INTEGER);
                CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DEST"
                  SELECT STREAM sym, label, SUM(px), COUNT(*), SUM(CASE WHEN px > 10 THEN 1 ELSE 0 END)
                  FROM "CLEAN" WHERE POSITION('X' IN sym) = 0
                  GROUP BY sym, label, STEP("CLEAN".ROWTIME BY INTERVAL '1' MINUTE);
                """;
        Map<String, Map<String, Object>> results = run(kda,
                // sym ABC, px |-3.5| * 2 = 7, label t-TEC
                "{\"ticker\":\" abc \",\"change\":-3.5,\"tag\":\"t\",\"sector\":\"TECHNOLOGY\"}",
                // ABC, 12 (> 10: big), no tag: none-TEC
                "{\"ticker\":\"abc\",\"change\":6,\"sector\":\"TECHNOLOGY\"}",
                // ABC, 2, t-TEC
                "{\"ticker\":\"abc\",\"change\":1.0,\"tag\":\"t\",\"sector\":\"TECHNOLOGY\"}",
                // XYZ holds an X at position 1: filtered out downstream
                "{\"ticker\":\"xyz\",\"change\":1.0,\"tag\":\"t\",\"sector\":\"ENERGY\"}",
                // an empty ticker: filtered out upstream
                "{\"ticker\":\"\",\"change\":1.0,\"tag\":\"t\",\"sector\":\"ENERGY\"}",
                // a null tag is COALESCEd too: ABC, 2, none-ENE
                "{\"ticker\":\"abc\",\"change\":1,\"tag\":null,\"sector\":\"ENERGY\"}");

        assertThat(results).isEqualTo(Map.of(
                "ABC|t-TEC", Map.of("total", 9.0, "n", 2L, "big", 0L),
                "ABC|none-TEC", Map.of("total", 12.0, "n", 1L, "big", 1L),
                "ABC|none-ENE", Map.of("total", 2.0, "n", 1L, "big", 0L)));
    }

    @Test
    void aGroupByExpressionIsAKeyNamedByItsColumnAndCastConverts() {
        String kda = """
                CREATE OR REPLACE STREAM "DEST" (bucket INTEGER, n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
                  SELECT STREAM CAST(FLOOR(price / 10) AS VARCHAR(8)), COUNT(*) FROM "SOURCE_SQL_STREAM_001"
                  GROUP BY CAST(FLOOR(price / 10) AS VARCHAR(8)), STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);
                """;
        // floor(price / 10) as text: 3 -> "0.0", 15.5 -> "1.0", 19 -> "1.0", 20 -> "2.0" (FLOOR gives a double)
        assertThat(run(kda, "{\"price\":3}", "{\"price\":15.5}", "{\"price\":19}", "{\"price\":20}"))
                .isEqualTo(Map.of("0.0", Map.of("n", 1L), "1.0", Map.of("n", 2L), "2.0", Map.of("n", 1L)));
    }

    @Test
    void variableAndFixedColumnLogParsingYieldTypedColumns() {
        String kda = """
                CREATE OR REPLACE STREAM "PARSED" (host VARCHAR(8), bytes INTEGER, code VARCHAR(3));
                CREATE OR REPLACE PUMP "P1" AS INSERT INTO "PARSED"
                  SELECT STREAM VARIABLE_COLUMN_LOG_PARSE(line, 'HOST TYPE VARCHAR(8), BYTES TYPE INTEGER', ';').HOST,
                                VARIABLE_COLUMN_LOG_PARSE(line, 'HOST TYPE VARCHAR(8), BYTES TYPE INTEGER', ';').BYTES,
                                FIXED_COLUMN_LOG_PARSE(tail, 'CODE TYPE VARCHAR(3) START 2 FOR 3').CODE
                  FROM "SOURCE_SQL_STREAM_001";
                CREATE OR REPLACE STREAM "DEST" (host VARCHAR(8), code VARCHAR(3), total BIGINT, n INTEGER);
                CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DEST"
                  SELECT STREAM host, code, SUM(bytes), COUNT(*) FROM "PARSED"
                  GROUP BY host, code, STEP("PARSED".ROWTIME BY INTERVAL '1' MINUTE);
                """;
        // line "a;10" is host a, 10 bytes; "tail" characters 2..4 of "xx200yy" are 200.
        assertThat(run(kda,
                "{\"line\":\"a;10\",\"tail\":\"xx200yy\"}",
                "{\"line\":\"a;5\",\"tail\":\"xx200\"}",
                // no second piece: bytes is null and skipped by SUM, whose partial over nothing is 0
                "{\"line\":\"b\",\"tail\":\"xx5\"}"))
                .isEqualTo(Map.of("a|200", Map.of("total", 15L, "n", 2L), "b|5", Map.of("total", 0L, "n", 1L)));
    }

    /** A JSON event whose field {@code line} is the given log line. */
    private static String line(String text) {
        return "{\"line\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    @Test
    void w3cCombinedLinesYieldTheirColumnsWithBytesAsIntegers() {
        String kda = """
                CREATE OR REPLACE STREAM "PARSED" (host VARCHAR(16), status VARCHAR(3), bytes INTEGER,
                                                   agent VARCHAR(64));
                CREATE OR REPLACE PUMP "P1" AS INSERT INTO "PARSED"
                  SELECT STREAM W3C_LOG_PARSE(line, 'NCSA EXTENDED').COLUMN1,
                                W3C_LOG_PARSE(line, 'NCSA EXTENDED').COLUMN6,
                                W3C_LOG_PARSE(line, 'NCSA EXTENDED').COLUMN7,
                                W3C_LOG_PARSE(line, 'NCSA EXTENDED').COLUMN9
                  FROM "SOURCE_SQL_STREAM_001";
                CREATE OR REPLACE STREAM "DEST" (host VARCHAR(16), status VARCHAR(3), agent VARCHAR(64),
                                                 total BIGINT, n INTEGER);
                CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DEST"
                  SELECT STREAM host, status, agent, SUM(bytes), COUNT(*) FROM "PARSED"
                  GROUP BY host, status, agent, STEP("PARSED".ROWTIME BY INTERVAL '1' MINUTE);
                """;
        assertThat(run(kda,
                // host 10.0.0.1, status 200, 100 bytes, agent "Mozilla/5.0 (X11)" (its spaces inside the quotes)
                line("10.0.0.1 - - [24/May/2004:22:01:02 -0700] \"GET /a HTTP/1.1\" 200 100 \"http://x/\" "
                        + "\"Mozilla/5.0 (X11)\""),
                // the same host and status, 50 bytes, agent curl/8; the request holds an escaped quote
                line("10.0.0.1 - bob [24/May/2004:22:01:03 -0700] \"GET /b?q=\\\"x HTTP/1.1\" 200 50 \"-\" "
                        + "\"curl/8\""),
                // '-' bytes: null, which SUM skips (its partial over nothing is 0)
                line("10.0.0.2 - - [24/May/2004:22:01:04 -0700] \"POST /c HTTP/1.1\" 404 - \"-\" \"curl/8\"")))
                .isEqualTo(Map.of(
                        "10.0.0.1|200|Mozilla/5.0 (X11)", Map.of("total", 100L, "n", 1L),
                        "10.0.0.1|200|curl/8", Map.of("total", 50L, "n", 1L),
                        "10.0.0.2|404|curl/8", Map.of("total", 0L, "n", 1L)));
    }

    @Test
    void w3cCommonColumnsAreThoseOfKdasExampleAndACustomFormatNamesItsSpecifiers() {
        String kda = """
                CREATE OR REPLACE STREAM "DEST" (who VARCHAR(8), stamp VARCHAR(32), bare VARCHAR(32),
                                                 request VARCHAR(64), n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
                  SELECT STREAM W3C_LOG_PARSE(line, 'COMMON').COLUMN3, W3C_LOG_PARSE(line, 'COMMON').COLUMN4,
                                W3C_LOG_PARSE(line, '%h %l %u [%t] "%r" %>s %b').COLUMN4,
                                W3C_LOG_PARSE(line, 'common').COLUMN5, COUNT(*)
                  FROM "SOURCE_SQL_STREAM_001"
                  GROUP BY W3C_LOG_PARSE(line, 'COMMON').COLUMN3, W3C_LOG_PARSE(line, 'COMMON').COLUMN4,
                           W3C_LOG_PARSE(line, '%h %l %u [%t] "%r" %>s %b').COLUMN4,
                           W3C_LOG_PARSE(line, 'common').COLUMN5,
                           STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);
                """;
        // KDA's reference example: COLUMN3 is the user, COLUMN4 the time with its brackets ([%t] drops them),
        // COLUMN5 the request without its quotes.
        assertThat(run(kda,
                line("192.168.254.30 - John [24/May/2004:22:01:02 -0700] \"GET /icons/apache_pb.gif HTTP/1.1\" 304 0"),
                line("192.168.254.30 - Jane [24/May/2004:22:01:02 -0700] \"GET /icons/small/dir.gif HTTP/1.1\" 304 0")))
                .isEqualTo(Map.of(
                        "John|[24/May/2004:22:01:02 -0700]|24/May/2004:22:01:02 -0700|GET /icons/apache_pb.gif HTTP/1.1",
                        Map.of("n", 1L),
                        "Jane|[24/May/2004:22:01:02 -0700]|24/May/2004:22:01:02 -0700|GET /icons/small/dir.gif HTTP/1.1",
                        Map.of("n", 1L)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`W3C_LOG_PARSE(line, 'IIS').COLUMN1` | `app.sql:3:37: the format IIS is refused: its fields are those of the log's #Fields header, which a record does not carry; write the line's layout as a custom format such as '%h %u %t \"%r\" %>s %b' or as a REGEX_LOG_PARSE pattern.`",
            "`W3C_LOG_PARSE(line, '%h %X').COLUMN1` | `app.sql:3:37: found the specifier %X in the format \"%h %X\", expected COMMON, COMMON WITH VHOST, NCSA EXTENDED, REFERER, AGENT or a format of the specifiers %h %a %A %l %u %v %V %H %m %U %f %p %P %q %r %t %s %b %B %D %T and %[name]i, o, C, e or n.`",
            "`W3C_LOG_PARSE(line, '%h \"%400{X}i\"').COLUMN1` | `app.sql:3:37: found the specifier %400{X}i in the format \"%h \"%400{X}i\"\", expected COMMON, COMMON WITH VHOST, NCSA EXTENDED, REFERER, AGENT or a format of the specifiers %h %a %A %l %u %v %V %H %m %U %f %p %P %q %r %t %s %b %B %D %T and %[name]i, o, C, e or n.`",
            "`W3C_LOG_PARSE(line, 'COMMON').COLUMN8` | `app.sql:3:47: found the column COLUMN8, expected COLUMN1 to COLUMN7 (the format's 7 specifier(s)).`",
            "`SYS_LOG_PARSE(line).COLUMN1` | `app.sql:3:17: SYS_LOG_PARSE is refused: the log parsing taken is REGEX_LOG_PARSE, W3C_LOG_PARSE, VARIABLE_COLUMN_LOG_PARSE and FIXED_COLUMN_LOG_PARSE; write a syslog line's layout as a REGEX_LOG_PARSE pattern.`",
            "`REGEX_LOG_PARSE(line, '(a)(b)').COLUMN3` | `app.sql:3:49: found the column COLUMN3, expected COLUMN1 to COLUMN2 (the pattern's 2 group(s)).`",
            "`TRIM(LEADING 'x' FROM line)` | `app.sql:3:17: TRIM is taken as TRIM(x) (both ends, spaces); LEADING and other characters have no CEL equivalent here.`",
            "`CAST(line AS TIMESTAMP)` | `app.sql:3:30: CAST to TIMESTAMP is refused: values are strings, numbers and booleans here (VARCHAR, INTEGER, BIGINT, DOUBLE, REAL, DECIMAL, BOOLEAN).`",
            "`SOUNDEX(line)` | `app.sql:3:17: found SOUNDEX, which has no CEL equivalent here; an expression uses field paths, literals, AND, OR, NOT, comparisons, IN (...), IS [NOT] NULL, + - * / MOD, ||, and the functions UPPER, LOWER, SUBSTRING, TRIM, CHAR_LENGTH, POSITION, CAST, CASE, ABS, FLOOR, CEIL, COALESCE, REGEX_LOG_PARSE, W3C_LOG_PARSE, VARIABLE_COLUMN_LOG_PARSE and FIXED_COLUMN_LOG_PARSE.`",
    })
    void whatCannotMapIsRefusedNamingTheFunction(String column, String message) {
        KdaSqlTest.assertRefused("""
                CREATE OR REPLACE STREAM "PARSED" (c VARCHAR(8));
                CREATE OR REPLACE PUMP "P1" AS INSERT INTO "PARSED"
                  SELECT STREAM %s FROM "SOURCE_SQL_STREAM_001";
                CREATE OR REPLACE STREAM "DEST" (c VARCHAR(8), n INTEGER);
                CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DEST"
                  SELECT STREAM c, COUNT(*) FROM "PARSED" GROUP BY c, STEP("PARSED".ROWTIME BY INTERVAL '1' MINUTE);
                """.formatted(column), message);
    }

    @Test
    void aCsvSchemaOfOneColumnReadsWholeTextLinesThatALogParseSplits() {
        String kda = """
                /* input_schema: {"RecordFormat": {"RecordFormatType": "CSV", "MappingParameters":
                     {"CSVMappingParameters": {"RecordRowDelimiter": "\\n", "RecordColumnDelimiter": "\\t"}}},
                   "RecordColumns": [{"Name": "line", "SqlType": "VARCHAR(512)"}]} */
                CREATE OR REPLACE STREAM "DEST" (status VARCHAR(3), n INTEGER);
                CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST"
                  SELECT STREAM REGEX_LOG_PARSE("line", '\\S+ "[^"]*" (\\d{3})').COLUMN1, COUNT(*)
                  FROM "SOURCE_SQL_STREAM_001"
                  GROUP BY REGEX_LOG_PARSE("line", '\\S+ "[^"]*" (\\d{3})').COLUMN1,
                           STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);
                """;
        EngineConfig config = SpecFiles.parse("app.sql", kda);
        assertThat(config.decoder()).isEqualTo(new DecoderSpec.Csv(List.of("line"), '\t'));
        // Two 200s and a 404; each record is one text line, not JSON.
        assertThat(run(kda, "1.2.3.4 \"GET /\" 200", "1.2.3.5 \"GET /a\" 404", "1.2.3.4 \"GET /b\" 200"))
                .isEqualTo(Map.of("200", Map.of("n", 2L), "404", Map.of("n", 1L)));
    }
}
